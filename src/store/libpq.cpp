#include "store/libpq.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <string>
#include <type_traits>

#include "store/sql_connection.hpp"

namespace ccload::store {

namespace {

constexpr const char* kLibrary = "libpq.so.5";

// Loads the library and every function once; `problem` says why not.
struct Loaded {
  Libpq functions{};
  std::string problem;

  Loaded() {
    const char* name = std::getenv("CCLOAD_LIBPQ");  // a libpq kept elsewhere
    if (name == nullptr || *name == '\0') name = kLibrary;
    void* library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      problem = std::string("PostgreSQL storage needs PostgreSQL's client library (") + name +
                " cannot be loaded): install Debian's libpq5 (apt-get install libpq5), or store "
                "into SQLite";
      return;
    }
    const auto load = [&](auto& function, const char* name) {
      void* symbol = dlsym(library, name);
      if (symbol == nullptr && problem.empty()) {
        problem = std::string(kLibrary) + " has no " + name + ": install Debian 12's libpq5";
      }
      function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(symbol);
    };
    load(functions.connectdb, "PQconnectdb");
    load(functions.status, "PQstatus");
    load(functions.errorMessage, "PQerrorMessage");
    load(functions.finish, "PQfinish");
    load(functions.host, "PQhost");
    load(functions.db, "PQdb");
    load(functions.setNoticeProcessor, "PQsetNoticeProcessor");
    load(functions.exec, "PQexec");
    load(functions.execParams, "PQexecParams");
    load(functions.resultStatus, "PQresultStatus");
    load(functions.resultErrorMessage, "PQresultErrorMessage");
    load(functions.clear, "PQclear");
    load(functions.ntuples, "PQntuples");
    load(functions.nfields, "PQnfields");
    load(functions.fname, "PQfname");
    load(functions.ftype, "PQftype");
    load(functions.getvalue, "PQgetvalue");
    load(functions.getlength, "PQgetlength");
    load(functions.getisnull, "PQgetisnull");
    load(functions.putCopyData, "PQputCopyData");
    load(functions.putCopyEnd, "PQputCopyEnd");
    load(functions.getResult, "PQgetResult");
  }
};

}  // namespace

const Libpq& libpq() {
  static const Loaded loaded;  // thread-safe, once
  if (!loaded.problem.empty()) throw sql::Error(sql::kPostgresError, loaded.problem);
  return loaded.functions;
}

}  // namespace ccload::store
