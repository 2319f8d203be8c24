# Sourced by bench scripts: hello_upstream DIR PORT starts nginx (one worker, daemon) answering
# "hello" on 127.0.0.1:PORT with its files under DIR; hello_upstream_stop DIR stops it.
hello_upstream() {
  mkdir -p "$1/logs"
  cat > "$1/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $1/nginx.pid; error_log $1/logs/error.log;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$2; keepalive_requests 1000000; location / { return 200 "hello\n"; } } }
CONF
  nginx -p "$1" -c "$1/nginx.conf"
}

hello_upstream_stop() {
  nginx -p "$1" -c "$1/nginx.conf" -s stop 2>/dev/null || true
}
