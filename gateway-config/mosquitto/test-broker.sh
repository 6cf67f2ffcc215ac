#!/usr/bin/env bash
# A throw-away Mosquitto 2 for tests and CI, configured like production (TLS, passwords, the Morphgate ACL):
#   test-broker.sh DIR      creates DIR with a CA, a server certificate (localhost, 127.0.0.1), a password file for
#                           gateway-1, gateway-2 and cloud (each password in DIR/<user>.password), mosquitto.conf,
#                           starts mosquitto in the background on free ports, prints KEY=value lines (also in
#                           DIR/broker.env) and the stop command.
#   test-broker.sh --stop DIR
# Needs: mosquitto, mosquitto_passwd (package mosquitto), openssl. Nothing here is fit for production: the CA key
# sits beside its certificate and expires in 2 days.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: test-broker.sh --stop DIR}
  [ -f "$dir/mosquitto.pid" ] && kill "$(cat "$dir/mosquitto.pid")" 2>/dev/null || true
  exit 0
fi
dir=${1:?usage: test-broker.sh DIR}
for tool in mosquitto mosquitto_passwd openssl; do
  command -v "$tool" >/dev/null || { echo "test-broker.sh: $tool not found (apt-get install -y mosquitto mosquitto-clients openssl)" >&2; exit 2; }
done
mkdir -p "$dir/data"
dir=$(cd "$dir" && pwd -P)
cd "$dir"

# A port nothing listens on (bash's /dev/tcp: no extra tools); 20000-59999, random start.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "test-broker.sh: no free port found" >&2; return 1
}

# CA and server certificate (CN localhost, SAN DNS:localhost, IP:127.0.0.1)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Morphgate test CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
  -out server.crt 2>/dev/null
rm -f server.csr server.ext
chmod 600 ca.key server.key

# Passwords: generated, one file per user (mode 600), hashed into passwd
rm -f passwd
for user in gateway-1 gateway-2 cloud; do
  openssl rand -hex 16 > "$user.password"
  chmod 600 "$user.password"
  if [ -f passwd ]; then
    mosquitto_passwd -b passwd "$user" "$(cat "$user.password")"
  else
    mosquitto_passwd -c -b passwd "$user" "$(cat "$user.password")"
  fi
done
chmod 600 passwd
cp "$here/acl" acl

tls_port=$(free_port)
plain_port=$(free_port)
while [ "$plain_port" = "$tls_port" ]; do plain_port=$(free_port); done
sed -e "s|@DIR@|$dir|g" -e "s|@DATA_DIR@|$dir/data|g" -e "s|@TLS_PORT@|$tls_port|g" -e "s|@BIND@|127.0.0.1|g" \
    -e "s|@USER@|$(id -un)|g" -e "s|@LOOPBACK@||g" -e "s|@PLAIN_PORT@|$plain_port|g" \
    -e "s|@LOG_DEST@|file $dir/mosquitto.log|g" \
    "$here/mosquitto.conf.template" > mosquitto.conf
echo "pid_file $dir/mosquitto.pid" >> mosquitto.conf

rm -f mosquitto.pid
mosquitto -c mosquitto.conf -d
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null; then break; fi
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null || { echo "test-broker.sh: mosquitto did not start; see $dir/mosquitto.log" >&2; cat mosquitto.log >&2 || true; exit 1; }

cat > broker.env <<ENV
MOSQUITTO_TLS_PORT=$tls_port
MOSQUITTO_PLAIN_PORT=$plain_port
MOSQUITTO_CA=$dir/ca.crt
MOSQUITTO_PASSWORD_GATEWAY_1=$dir/gateway-1.password
MOSQUITTO_PASSWORD_GATEWAY_2=$dir/gateway-2.password
MOSQUITTO_PASSWORD_CLOUD=$dir/cloud.password
MOSQUITTO_PID=$(cat mosquitto.pid)
MOSQUITTO_STOP="$here/test-broker.sh --stop $dir"
ENV
cat broker.env
