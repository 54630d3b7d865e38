#!/usr/bin/env bash
# A WebDAV (PUT) HTTP server for the remote cache's tests and benchmarks: Debian's nginx on
# 127.0.0.1, everything (config, pid, logs, files) under one folder, PUT behind basic auth when a
# user is given. A PUT is written to a temp file on the same file system and renamed, so one
# killed halfway leaves nothing visible.
#
# Usage: scripts/nginx-webdav.sh start DIR PORT [USER:PASSWORD] [tls]
#            serves DIR/root at http://127.0.0.1:PORT/ (with "tls": https://, with a self-signed
#            certificate for 127.0.0.1 made in DIR/tls.crt, which clients must be told to trust)
#        scripts/nginx-webdav.sh stop DIR    stops the nginx that start left in DIR
# The access log (DIR/access.log) has one line per request: "METHOD URI STATUS BYTES".
set -euo pipefail
command=${1:?usage: nginx-webdav.sh start DIR PORT [USER:PASSWORD] [tls] | stop DIR}
dir=$(realpath -m "${2:?the server folder}")

if [[ "$command" == stop ]]; then
  [[ -f "$dir/nginx.pid" ]] || exit 0
  pid=$(cat "$dir/nginx.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  exit 0
fi

port=${3:?the port}
credentials=${4:-}
tls=${5:-}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$nginx" ]] || { echo "nginx-webdav.sh: nginx is not installed (scripts/install-deps.sh installs it)" >&2; exit 77; }
mkdir -p "$dir/root" "$dir/body_tmp" "$dir/other_tmp"
auth=""
if [[ -n "$credentials" ]]; then
  printf '%s:%s\n' "${credentials%%:*}" "$(openssl passwd -apr1 "${credentials#*:}")" > "$dir/htpasswd"
  auth="limit_except GET HEAD { auth_basic \"xstilts cache\"; auth_basic_user_file $dir/htpasswd; }"
fi
listen="listen 127.0.0.1:$port;"
scheme=http
curl_trust=()
if [[ "$tls" == tls ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
  listen="listen 127.0.0.1:$port ssl; ssl_certificate $dir/tls.crt; ssl_certificate_key $dir/tls.key;"
  scheme=https
  curl_trust=(--cacert "$dir/tls.crt")
fi
user=""
[[ $(id -u) -eq 0 ]] && user="user root;"  # workers must write the folder the tests made
cat > "$dir/nginx.conf" <<CONF
$user
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 256; }
http {
  log_format plain '\$request_method \$uri \$status \$body_bytes_sent';
  access_log $dir/access.log plain;
  client_body_temp_path $dir/body_tmp;
  proxy_temp_path $dir/other_tmp;
  fastcgi_temp_path $dir/other_tmp;
  uwsgi_temp_path $dir/other_tmp;
  scgi_temp_path $dir/other_tmp;
  sendfile on;
  server {
    $listen
    root $dir/root;
    location / {
      dav_methods PUT DELETE MKCOL;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      client_max_body_size 0;
      $auth
    }
  }
}
CONF
"$nginx" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf"
for _ in $(seq 100); do
  if curl -s "${curl_trust[@]}" -o /dev/null "$scheme://127.0.0.1:$port/" 2>/dev/null; then exit 0; fi
  sleep 0.05
done
echo "nginx-webdav.sh: nginx did not answer on port $port (see $dir/error.log)" >&2
exit 1
