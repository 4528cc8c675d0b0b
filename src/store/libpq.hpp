#pragma once
// PostgreSQL's client library, loaded when a run first uses PostgreSQL (dlopen of libpq.so.5)
// rather than linked: libpq brings some twenty libraries (Kerberos, LDAP, GnuTLS, ...) whose
// loading and start-up code cost every run about 2 ms before its first request, and a few MB of
// memory, though most runs store into SQLite (bench/README.md, "startup").
//
// The library is libpq.so.5, found as the dynamic linker finds libraries, or the file that the
// environment variable CCLOAD_LIBPQ names (a libpq kept elsewhere).
//
// libpq() returns the functions ccload calls, named as libpq names them without the PQ prefix
// (libpq().exec is PQexec). The first call loads the library; when that fails it throws
// sql::Error with one line that names the Debian package to install, and so does every later
// call. The types and constants are libpq-fe.h's.

#include <libpq-fe.h>

namespace ccload::store {

struct Libpq {
  decltype(&::PQconnectdb) connectdb;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) errorMessage;
  decltype(&::PQfinish) finish;
  decltype(&::PQhost) host;
  decltype(&::PQdb) db;
  decltype(&::PQsetNoticeProcessor) setNoticeProcessor;
  decltype(&::PQexec) exec;
  decltype(&::PQexecParams) execParams;
  decltype(&::PQresultStatus) resultStatus;
  decltype(&::PQresultErrorMessage) resultErrorMessage;
  decltype(&::PQclear) clear;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQnfields) nfields;
  decltype(&::PQfname) fname;
  decltype(&::PQftype) ftype;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQputCopyData) putCopyData;
  decltype(&::PQputCopyEnd) putCopyEnd;
  decltype(&::PQgetResult) getResult;
};

const Libpq& libpq();

}  // namespace ccload::store
