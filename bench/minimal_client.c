/* The floor for bench/run.sh startup: the least an HTTP/1.1 client can do before its first
 * request leaves (exec, connect, one write), then read the response and exit. Usage:
 * minimal_client PORT (127.0.0.1, GET /). Built by the bench with cc -O2. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)atoi(argv[1]));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr*)&to, sizeof to) != 0) return 1;
  static const char request[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, request, sizeof request - 1) != (ssize_t)(sizeof request - 1)) return 1;
  char response[4096];
  return read(fd, response, sizeof response) > 0 ? 0 : 1;
}
