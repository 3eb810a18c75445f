# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run): process helpers and the
# nginx echo every HTTP scenario talks to. Callers set WORK (their temp dir)
# and PIDS=() before using them.

stop_pid() {  # TERM, then KILL after 10 s; only processes the script started
  local pid=$1 _
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

stop_all() {  # stop_all PID...: TERM each, then reap them (for EXIT traps)
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_until() {  # wait_until SECONDS CMD... : poll every 50 ms
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

http_ok() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$@") == 2* ]]; }

# write_nginx_conf DIR PORT: one worker on 127.0.0.1:PORT with /fixed (a fixed
# body), /echo (returns the POSTed body) and /rows (the same, logging a line
# per request in DIR/rows.log). Start it with
#   nginx -p DIR -e DIR/error.log -c DIR/nginx.conf
write_nginx_conf() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    location = /fixed { default_type application/json; return 200 '{"status":"ok"}'; }
    location = /rows {                 # file scenario, "-> HTTP": one log line per row
      access_log $dir/rows.log;
      default_type application/json;
      echo_read_request_body;
      echo_request_body;
    }
    location = /echo {
      default_type application/json;
      client_body_buffer_size 64k;
      echo_read_request_body;
      echo_request_body;
    }
  }
}
CONF
}
