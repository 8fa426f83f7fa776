// loadgen: closed-loop load generator for the HTTP benchmark (called by load.py; same code for every server).
//
// Replays prepared requests (HTTP/1.1 or RESP) over C keep-alive connections to 127.0.0.1:PORT, spread over T
// threads (epoll each), for WARMUP + SECONDS. Each connection has one request in flight: send, read the whole
// answer, send the next. Latencies of requests that start after the warm-up and end before the deadline are
// written to OUT as little-endian doubles (milliseconds). One JSON line on stdout: counts, errors, and the sum
// of `"query_time_ms":x` values found in HTTP answers (VectorLogic's engine time).
//
// Requests file: repeated [u32 length LE][bytes]. Built by load.py (`ensure_loadgen`); by hand: cc -O2 -pthread -o /tmp/loadgen loadgen.c
// Usage: loadgen PORT http|resp REQUESTS_FILE CONNS THREADS WARMUP_S SECONDS OUT_FILE
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct { const char *data; uint32_t len; } req_t;

static req_t *reqs;
static size_t nreqs;
static int port, proto_resp;
static double t_measure, t_stop;

typedef struct {
  int fd;
  size_t next;            // index of the next request to send
  size_t sent;            // bytes of the current request sent
  const req_t *cur;
  double t_start;
  char *buf;
  size_t len, cap;
  int want_out;
} conn_t;

typedef struct {
  int nconns, first;
  double *lat;
  size_t nlat, caplat;
  long errors, bad_status;
  double engine_sum;
  long engine_n;
  char errmsg[200];
} worker_t;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// ---- answer framing --------------------------------------------------------------------------------

// Returns the length of one complete RESP reply at p[0..n), 0 if incomplete, -1 if malformed.
static long resp_len(const char *p, size_t n) {
  if (n < 3) return 0;
  const char *e = memmem(p, n, "\r\n", 2);
  if (!e) return 0;
  size_t line = (size_t)(e - p) + 2;
  switch (p[0]) {
    case '+': case '-': case ':': return (long)line;
    case '$': {
      long k = strtol(p + 1, NULL, 10);
      if (k < 0) return (long)line;
      return n >= line + (size_t)k + 2 ? (long)(line + k + 2) : 0;
    }
    case '*': {
      long k = strtol(p + 1, NULL, 10);
      size_t off = line;
      for (long i = 0; i < k; i++) {
        long m = resp_len(p + off, n - off);
        if (m <= 0) return m;
        off += (size_t)m;
      }
      return (long)off;
    }
    default: return -1;
  }
}

// Returns the length of one complete HTTP response (Content-Length or chunked), 0 if incomplete, -1 if malformed.
static long http_len(const char *p, size_t n, int *status) {
  const char *h = memmem(p, n, "\r\n\r\n", 4);
  if (!h) return 0;
  size_t head = (size_t)(h - p) + 4;
  if (n < 12) return -1;
  *status = atoi(p + 9);
  long clen = -1;
  int chunked = 0;
  const char *l = memchr(p, '\n', head);
  while (l && (size_t)(l - p) + 1 < head) {
    l++;
    if (strncasecmp(l, "content-length:", 15) == 0) clen = strtol(l + 15, NULL, 10);
    else if (strncasecmp(l, "transfer-encoding:", 18) == 0) {
      const char *eol = memchr(l, '\n', head - (size_t)(l - p));
      if (eol && memmem(l, (size_t)(eol - l), "chunked", 7)) chunked = 1;
    }
    l = memchr(l, '\n', head - (size_t)(l - p));
  }
  if (chunked) {
    size_t off = head;
    for (;;) {
      const char *e = memmem(p + off, n - off, "\r\n", 2);
      if (!e) return 0;
      long size = strtol(p + off, NULL, 16);
      off = (size_t)(e - p) + 2;
      if (size == 0) {  // trailers end with an empty line
        for (;;) {
          const char *t = memmem(p + off, n - off, "\r\n", 2);
          if (!t) return 0;
          size_t tl = (size_t)(t - (p + off));
          off += tl + 2;
          if (tl == 0) return (long)off;
        }
      }
      if (n < off + (size_t)size + 2) return 0;
      off += (size_t)size + 2;
    }
  }
  if (clen < 0) clen = 0;
  return n >= head + (size_t)clen ? (long)(head + clen) : 0;
}

// ---- connection loop ---------------------------------------------------------------------------------

// Sends what the socket takes; while a request is only partly sent the connection also waits for EPOLLOUT
// (level-triggered EPOLLOUT on an idle writable socket would spin).
static int send_some(conn_t *c, int ep) {
  while (c->sent < c->cur->len) {
    ssize_t k = send(c->fd, c->cur->data + c->sent, c->cur->len - c->sent, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno != EAGAIN) return -1;
      if (!c->want_out) {
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = 1;
      }
      return 0;
    }
    c->sent += (size_t)k;
  }
  if (c->want_out) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = 0;
  }
  return 1;
}

static void start_request(conn_t *c) {
  c->cur = &reqs[c->next % nreqs];
  c->next++;
  c->sent = 0;
  c->t_start = now();
}

static void *run(void *arg) {
  worker_t *w = arg;
  int ep = epoll_create1(0);
  conn_t *cs = calloc((size_t)w->nconns, sizeof(conn_t));
  for (int i = 0; i < w->nconns; i++) {
    conn_t *c = &cs[i];
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
      snprintf(w->errmsg, sizeof w->errmsg, "connect: %s", strerror(errno));
      w->errors++;
      return NULL;
    }
    // blocking connect done; now non-blocking for the loop
    int fl = 1;
    ioctl(c->fd, FIONBIO, &fl);
    c->cap = 1 << 16;
    c->buf = malloc(c->cap);
    c->next = (size_t)(w->first + i) * 7;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    start_request(c);
    if (send_some(c, ep) < 0) { w->errors++; return NULL; }
  }
  struct epoll_event evs[64];
  int live = w->nconns;
  while (live > 0) {
    int n = epoll_wait(ep, evs, 64, 100);
    double t = now();
    if (n == 0 && t > t_stop + 30) { snprintf(w->errmsg, sizeof w->errmsg, "timeout waiting for answers"); w->errors++; break; }
    for (int i = 0; i < n; i++) {
      conn_t *c = evs[i].data.ptr;
      if (c->fd < 0) continue;
      if (c->sent < c->cur->len) {
        if (send_some(c, ep) < 0) { w->errors++; snprintf(w->errmsg, sizeof w->errmsg, "send: %s", strerror(errno)); close(c->fd); c->fd = -1; live--; continue; }
      }
      if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      for (;;) {
        if (c->cap - c->len < 65536) { c->cap *= 2; c->buf = realloc(c->buf, c->cap); }
        ssize_t k = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (k > 0) { c->len += (size_t)k; continue; }
        if (k == 0) { w->errors++; snprintf(w->errmsg, sizeof w->errmsg, "server closed the connection"); close(c->fd); c->fd = -1; live--; }
        else if (errno != EAGAIN) { w->errors++; snprintf(w->errmsg, sizeof w->errmsg, "recv: %s", strerror(errno)); close(c->fd); c->fd = -1; live--; }
        break;
      }
      if (c->fd < 0) continue;
      int status = 200;
      long m = proto_resp ? resp_len(c->buf, c->len) : http_len(c->buf, c->len, &status);
      if (m < 0) { w->errors++; snprintf(w->errmsg, sizeof w->errmsg, "malformed answer"); close(c->fd); c->fd = -1; live--; continue; }
      if (m == 0) continue;
      double end = now();
      if (proto_resp && c->buf[0] == '-') w->bad_status++;
      if (!proto_resp && status != 200) w->bad_status++;
      if (c->t_start >= t_measure && end <= t_stop) {
        if (w->nlat == w->caplat) { w->caplat = w->caplat ? w->caplat * 2 : 65536; w->lat = realloc(w->lat, w->caplat * sizeof(double)); }
        w->lat[w->nlat++] = (end - c->t_start) * 1000.0;
        if (!proto_resp) {
          const char *q = memmem(c->buf, (size_t)m, "\"query_time_ms\":", 16);
          if (q) { w->engine_sum += strtod(q + 16, NULL); w->engine_n++; }
        }
      }
      memmove(c->buf, c->buf + m, c->len - (size_t)m);
      c->len -= (size_t)m;
      if (end >= t_stop) { close(c->fd); c->fd = -1; live--; continue; }
      start_request(c);
      if (send_some(c, ep) < 0) { w->errors++; close(c->fd); c->fd = -1; live--; }
    }
  }
  for (int i = 0; i < w->nconns; i++) if (cs[i].fd >= 0) close(cs[i].fd);
  close(ep);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: loadgen PORT http|resp REQUESTS_FILE CONNS THREADS WARMUP_S SECONDS OUT_FILE\n");
    return 2;
  }
  port = atoi(argv[1]);
  proto_resp = strcmp(argv[2], "resp") == 0;
  FILE *f = fopen(argv[3], "rb");
  if (!f) { perror("requests"); return 2; }
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *all = malloc((size_t)sz);
  if (fread(all, 1, (size_t)sz, f) != (size_t)sz) { perror("read"); return 2; }
  fclose(f);
  size_t cap = 1024;
  reqs = malloc(cap * sizeof(req_t));
  for (long off = 0; off + 4 <= sz;) {
    uint32_t len;
    memcpy(&len, all + off, 4);
    if (nreqs == cap) { cap *= 2; reqs = realloc(reqs, cap * sizeof(req_t)); }
    reqs[nreqs].data = all + off + 4;
    reqs[nreqs].len = len;
    nreqs++;
    off += 4 + (long)len;
  }
  int conns = atoi(argv[4]), threads = atoi(argv[5]);
  if (threads > conns) threads = conns;
  double warm = atof(argv[6]), secs = atof(argv[7]);
  double t0 = now();
  t_measure = t0 + warm;
  t_stop = t_measure + secs;
  pthread_t th[64];
  worker_t ws[64];
  memset(ws, 0, sizeof ws);
  int first = 0;
  for (int i = 0; i < threads; i++) {
    ws[i].nconns = conns / threads + (i < conns % threads ? 1 : 0);
    ws[i].first = first;
    first += ws[i].nconns;
    pthread_create(&th[i], NULL, run, &ws[i]);
  }
  FILE *out = fopen(argv[8], "wb");
  long total = 0, errors = 0, bad = 0, en = 0;
  double esum = 0;
  const char *msg = "";
  for (int i = 0; i < threads; i++) {
    pthread_join(th[i], NULL);
    fwrite(ws[i].lat, sizeof(double), ws[i].nlat, out);
    total += (long)ws[i].nlat;
    errors += ws[i].errors;
    bad += ws[i].bad_status;
    esum += ws[i].engine_sum;
    en += ws[i].engine_n;
    if (ws[i].errmsg[0]) msg = ws[i].errmsg;
  }
  fclose(out);
  printf("{\"requests\":%ld,\"errors\":%ld,\"bad_status\":%ld,\"engine_sum_ms\":%.6f,\"engine_n\":%ld,\"error\":\"%s\"}\n",
         total, errors, bad, esum, en, msg);
  return errors ? 1 : 0;
}
