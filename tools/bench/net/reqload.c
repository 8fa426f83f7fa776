// reqload: closed-loop HTTP/1.1 load over plain TCP or TLS, for the issue-12 cost checks (TLS, shared rate limits).
//
// CONNS threads, one keep-alive connection each (blocking; TLS through the system OpenSSL, certificate not
// checked: this measures cost, not trust), each sending the same prepared request and reading the whole answer
// (Content-Length) before the next. Latencies of requests that start after WARMUP_S and end before the deadline
// are kept; prints one JSON line: requests, errors, qps, p50_ms, p99_ms, client_cpu_s.
//
// Build: cc -O2 -pthread -o reqload reqload.c -lssl -lcrypto
// Usage: reqload PORT plain|tls REQUEST_FILE CONNS WARMUP_S SECONDS
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, use_tls;
static char *request;
static size_t request_len;
static double t_measure, t_stop;
static SSL_CTX *ctx;

typedef struct { double *lat; size_t n, cap; long errors; } result_t;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct { int fd; SSL *ssl; } conn_t;

static int conn_open(conn_t *c) {
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = inet_addr("127.0.0.1");
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) return -1;
  c->ssl = NULL;
  if (use_tls) {
    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_connect(c->ssl) != 1) return -1;
  }
  return 0;
}

static void conn_close(conn_t *c) {
  if (c->ssl) { SSL_free(c->ssl); c->ssl = NULL; }
  close(c->fd);
}

static long io_write(conn_t *c, const char *p, size_t n) {
  return c->ssl ? SSL_write(c->ssl, p, (int)n) : send(c->fd, p, n, MSG_NOSIGNAL);
}

static long io_read(conn_t *c, char *p, size_t n) {
  return c->ssl ? SSL_read(c->ssl, p, (int)n) : recv(c->fd, p, n, 0);
}

// Reads one whole answer (head + Content-Length body); 0 on success.
static int read_answer(conn_t *c, char *buf, size_t cap) {
  size_t have = 0;
  long body = -1;
  size_t head_end = 0;
  for (;;) {
    long got = io_read(c, buf + have, cap - have - 1);
    if (got <= 0) return -1;
    have += got;
    buf[have] = 0;
    if (!head_end) {
      char *end = strstr(buf, "\r\n\r\n");
      if (!end) continue;
      head_end = end - buf + 4;
      char *cl = strcasestr(buf, "\r\ncontent-length:");
      if (!cl || cl > end) return -1;
      body = strtol(cl + 17, NULL, 10);
      if (strncmp(buf, "HTTP/1.1 2", 10) != 0) return -2;
    }
    if (head_end && have >= head_end + (size_t)body) return 0;
    if (have + 1 >= cap) return -1;
  }
}

static void *worker(void *arg) {
  result_t *r = arg;
  char *buf = malloc(1 << 20);
  conn_t c;
  if (conn_open(&c) != 0) { r->errors++; free(buf); return NULL; }
  while (now() < t_stop) {
    double start = now();
    if (io_write(&c, request, request_len) != (long)request_len) { r->errors++; break; }
    int status = read_answer(&c, buf, 1 << 20);
    double end = now();
    if (status == -1) { r->errors++; break; }
    if (status == -2) { r->errors++; continue; }
    if (start >= t_measure && end <= t_stop) {
      if (r->n == r->cap) { r->cap = r->cap ? r->cap * 2 : 4096; r->lat = realloc(r->lat, r->cap * sizeof(double)); }
      r->lat[r->n++] = (end - start) * 1000;
    }
  }
  conn_close(&c);
  free(buf);
  return NULL;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 7) { fprintf(stderr, "usage: reqload PORT plain|tls REQUEST_FILE CONNS WARMUP_S SECONDS\n"); return 2; }
  port = atoi(argv[1]);
  use_tls = strcmp(argv[2], "tls") == 0;
  FILE *f = fopen(argv[3], "rb");
  if (!f) { perror(argv[3]); return 2; }
  fseek(f, 0, SEEK_END);
  request_len = ftell(f);
  rewind(f);
  request = malloc(request_len);
  if (fread(request, 1, request_len, f) != request_len) return 2;
  fclose(f);
  int conns = atoi(argv[4]);
  double warmup = atof(argv[5]), seconds = atof(argv[6]);
  if (use_tls) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  }
  double t0 = now();
  t_measure = t0 + warmup;
  t_stop = t_measure + seconds;
  pthread_t *threads = calloc(conns, sizeof(pthread_t));
  result_t *results = calloc(conns, sizeof(result_t));
  for (int i = 0; i < conns; i++) pthread_create(&threads[i], NULL, worker, &results[i]);
  size_t total = 0;
  long errors = 0;
  for (int i = 0; i < conns; i++) { pthread_join(threads[i], NULL); total += results[i].n; errors += results[i].errors; }
  double *all = malloc((total + 1) * sizeof(double));
  size_t k = 0;
  for (int i = 0; i < conns; i++) { memcpy(all + k, results[i].lat, results[i].n * sizeof(double)); k += results[i].n; }
  qsort(all, total, sizeof(double), cmp);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("{\"requests\": %zu, \"errors\": %ld, \"qps\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"client_cpu_s\": %.2f}\n",
         total, errors, total / seconds, total ? all[total / 2] : 0, total ? all[(size_t)(total * 0.99)] : 0, cpu);
  return 0;
}
