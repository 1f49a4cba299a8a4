#!/usr/bin/env bash
# Makes MariaDB (127.0.0.1:3306, root, empty password), Redis (127.0.0.1:6379), PostgreSQL
# (127.0.0.1:5432, user postgres, trust) and RabbitMQ (127.0.0.1:5672, guest/guest) answer: installs them with apt-get when missing, starts them when they
# are not answering, waits until they do.
# Also installs the checkers the operations tests run: promtool (Debian's prometheus package) and
# systemd-analyze (systemd); neither server is started. And LibreOffice Calc without a GUI (soffice), which
# the export tests open spreadsheets with.
set -euo pipefail

log() { printf 'services: %s\n' "$*" >&2; }

need_apt=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v mariadb >/dev/null 2>&1 || command -v mysql >/dev/null 2>&1 || need_apt+=(mariadb-client)
# The TLS tests make their certificates with openssl and start a private mariadbd (mariadb-server).
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
pg_installed_here=0
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then need_apt+=(postgresql postgresql-client); pg_installed_here=1; fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
need_tools=()
command -v promtool >/dev/null 2>&1 || need_tools+=(prometheus)
command -v systemd-analyze >/dev/null 2>&1 || need_tools+=(systemd)
if [ ${#need_tools[@]} -gt 0 ]; then
  log "installing ${need_tools[*]} (for promtool and systemd-analyze)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Without recommends: the checkers are all the tests need (no exporters); the packages' services are not started here.
  apt-get install -y -qq --no-install-recommends "${need_tools[@]}" >/dev/null
fi
# The spreadsheet tests open exports in LibreOffice Calc headless (soffice); a large package, so only here.
if ! command -v soffice >/dev/null 2>&1; then
  log "installing libreoffice-calc-nogui (for soffice)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi

mysql_cli() { if command -v mariadb >/dev/null 2>&1; then mariadb "$@"; else mysql "$@"; fi; }
mariadb_up() { mysql_cli -h 127.0.0.1 -P 3306 -u root -e 'select 1' >/dev/null 2>&1; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
# An AMQP server answers a TCP connect on 5672 (the tests' guest login needs nothing more).
rabbit_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
pg_up() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }
pg_version() { ls /etc/postgresql | sort -V | tail -1; }

if [ "$pg_installed_here" = 1 ]; then
  # A cluster installed just now: the tests log in over TCP as postgres without a password (trust on
  # 127.0.0.1 only); a server that was there before is never reconfigured.
  hba="/etc/postgresql/$(pg_version)/main/pg_hba.conf"
  sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
fi

if ! mariadb_up; then
  log "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null 2>&1 || mysql_install_db --user=mysql >/dev/null 2>&1 || true
  fi
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
fi
if ! redis_up; then
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
fi

if ! pg_up; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start >/dev/null 2>&1 || true
fi

if ! rabbit_up; then
  log "starting RabbitMQ"
  # Debian's package starts it as a service where systemd runs; here it is started by hand, detached.
  rabbitmq-server -detached >/dev/null 2>&1 || true
fi

for _ in $(seq 1 90); do
  if mariadb_up && redis_up && pg_up && rabbit_up; then break; fi
  sleep 1
done
if ! mariadb_up; then
  # A fresh install may leave root on unix_socket auth only; allow the empty-password TCP login tests use.
  mysql_cli -u root -e "alter user 'root'@'localhost' identified via mysql_native_password using password(''); flush privileges;" >/dev/null 2>&1 || true
fi
mariadb_up || { log "MariaDB is not answering on 127.0.0.1:3306 as root"; exit 1; }
redis_up || { log "Redis is not answering on 127.0.0.1:6379"; exit 1; }
pg_up || { log "PostgreSQL is not answering on 127.0.0.1:5432 as postgres"; exit 1; }
rabbit_up || { log "RabbitMQ is not answering on 127.0.0.1:5672"; exit 1; }
log "MariaDB, Redis, PostgreSQL and RabbitMQ are answering"
