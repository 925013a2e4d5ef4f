#!/usr/bin/env bash
# etcd-discovery demo: starts a throwaway etcd, builds the sample app, runs three instances
# that register themselves in etcd and call each other by service name, changes their
# greeting in etcd while they run (configuration center), then stops one gracefully and
# kills another to show deregistration and lease expiry.
#
# Usage: ./demo.sh            (from any directory; needs bash, java 17+, etcd + etcdctl)
# Environment:
#   ETCD_BINARY=/path/to/etcd        use this etcd instead of the one on PATH
#   ETCDCTL_BINARY=/path/to/etcdctl  use this etcdctl (default: next to etcd, else PATH)
#   DEMO_KEEP_LOGS=1                 keep the logs even when the demo succeeds
#
# Everything listens on 127.0.0.1 only, on free ports; every process the script starts is
# stopped on exit (also on Ctrl-C), so it can be run again and again.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# ----------------------------------------------------------------------------- settings
SERVICE=sample-app
INSTANCES=3
TTL_SECONDS=5                 # lease TTL given to the instances (short, so step 8 is quick)
ETCD_START_TIMEOUT=30         # seconds
APP_START_TIMEOUT=120         # seconds, per instance (three JVMs start at once)
REGISTER_TIMEOUT=30           # seconds until an instance's key must appear in etcd
DEREGISTER_LIMIT_MS=2000      # a graceful stop must remove the key faster than this
EXPIRY_TIMEOUT=$((TTL_SECONDS + 15))
STOP_TIMEOUT=40               # seconds for a SIGTERM-ed JVM to exit
CONFIG_TIMEOUT=10             # seconds for a greeting changed in etcd to reach every instance
GREETING_KEY=/config/$SERVICE/sample/greeting

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
JAR="$ROOT/sample-app/target/sample-app-0.1.0-SNAPSHOT.jar"

# ----------------------------------------------------------------------------- output
step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    WARNING: %s\n' "$*" >&2; }
die() {
	printf '\nDEMO FAILED: %s\n' "$1" >&2
	shift
	local line
	for line in "$@"; do printf '  %s\n' "$line" >&2; done
	exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

now_ms() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local us=${EPOCHREALTIME//[!0-9]/}
		echo $((10#$us / 1000))
	else
		date +%s%3N
	fi
}

# ----------------------------------------------------------------------------- state + cleanup
WORK=""
ETCD_PID=""
declare -a APP_PID APP_PORT APP_ID APP_KEY APP_LOG
declare -a USED_PORTS=()

# Running = exists and is not a zombie (an exited child stays a zombie until we reap it,
# so its pid cannot be reused by another process in the meantime).
running() {
	local pid=$1 stat
	[ -n "$pid" ] || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# stop_pid PID SECONDS: SIGTERM, wait, then SIGKILL; reaps the child.
stop_pid() {
	local pid=$1 secs=$2 i
	[ -n "$pid" ] || return 0
	if running "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < secs * 10; i++)); do
			running "$pid" || break
			sleep 0.1
		done
		if running "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	local i stopped=0
	for i in "${!APP_PID[@]}"; do
		if [ -n "${APP_PID[$i]}" ]; then
			stop_pid "${APP_PID[$i]}" 15
			APP_PID[i]=""
			stopped=$((stopped + 1))
		fi
	done
	if [ -n "$ETCD_PID" ]; then
		stop_pid "$ETCD_PID" 10
		ETCD_PID=""
		stopped=$((stopped + 1))
	fi
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		rm -rf "$WORK/etcd-data"
		if [ "$rc" -eq 0 ] && [ -z "${DEMO_KEEP_LOGS:-}" ]; then
			rm -rf "$WORK"
			rmdir "$ROOT/.demo" 2>/dev/null
		else
			printf '\nLogs kept in %s:\n' "$WORK" >&2
			ls -1 "$WORK" 2>/dev/null | sed 's/^/  /' >&2
		fi
	fi
	if [ "$stopped" -gt 0 ]; then
		printf '\n==> Cleaned up: stopped %d process(es) started by this demo.\n' "$stopped"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'printf "\nInterrupted.\n" >&2; exit 130' INT
trap 'printf "\nTerminated.\n" >&2; exit 143' TERM

# ----------------------------------------------------------------------------- prerequisites
SUDO=""
CAN_APT=""
if have apt-get; then
	if [ "$(id -u)" -eq 0 ]; then
		CAN_APT=1
	elif have sudo && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
		CAN_APT=1
	fi
fi

APT_UPDATED=""
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	local log
	log=$(mktemp "${TMPDIR:-/tmp}/etcd-discovery-demo-apt.XXXXXX")
	if [ -z "$APT_UPDATED" ]; then
		info "apt-get update"
		if ! $SUDO apt-get update -q </dev/null >"$log" 2>&1; then
			cat "$log" >&2
			rm -f "$log"
			die "apt-get update failed."
		fi
		APT_UPDATED=1
	fi
	info "apt-get install -y $*"
	if ! $SUDO apt-get install -y -q --no-install-recommends "$@" </dev/null >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "apt-get install $* failed." \
			"Install them yourself (or set ETCD_BINARY / JAVA_HOME) and run $0 again."
	fi
	rm -f "$log"
}

java_major() { # prints the major version of the given java command, or nothing
	local v
	v=$("$1" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }') || true
	case "$v" in
	1.*) v=${v#1.} ;;
	esac
	v=${v%%[!0-9]*}
	echo "${v:-0}"
}

find_java() { # sets JAVA to a java 17+ (JAVA_HOME's first, then PATH's); fails if none
	local c
	JAVA=""
	for c in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)"; do
		if [ -n "$c" ] && [ -x "$c" ] && [ "$(java_major "$c")" -ge 17 ]; then
			JAVA=$c
			return 0
		fi
	done
	return 1
}

step "Checking prerequisites"
unset ETCDCTL_ENDPOINTS ETCD_ENDPOINTS
NEED_PKGS=()

ETCD="${ETCD_BINARY:-}"
if [ -n "$ETCD" ]; then
	[ -x "$ETCD" ] || die "ETCD_BINARY=$ETCD is not an executable file."
elif have etcd; then
	ETCD=$(command -v etcd)
fi
ETCDCTL="${ETCDCTL_BINARY:-}"
if [ -z "$ETCDCTL" ]; then
	if [ -n "$ETCD" ] && [ -x "$(dirname "$ETCD")/etcdctl" ]; then
		ETCDCTL="$(dirname "$ETCD")/etcdctl"
	elif have etcdctl; then
		ETCDCTL=$(command -v etcdctl)
	fi
fi
if [ -z "$ETCD" ] || [ -z "$ETCDCTL" ]; then
	if [ -n "$CAN_APT" ]; then
		[ -n "$ETCD" ] || NEED_PKGS+=(etcd-server)
		[ -n "$ETCDCTL" ] || NEED_PKGS+=(etcd-client)
	else
		die "etcd${ETCD:+ctl} not found." \
			"On Debian/Ubuntu: sudo apt-get install etcd-server etcd-client" \
			"Or download a release from https://github.com/etcd-io/etcd/releases, unpack it and run:" \
			"  ETCD_BINARY=/path/to/etcd $0" \
			"(etcdctl is looked up next to etcd, then on PATH; or set ETCDCTL_BINARY)."
	fi
fi

if ! find_java; then
	if [ -n "$CAN_APT" ]; then
		if apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then
			NEED_PKGS+=(openjdk-17-jdk-headless)
		else
			NEED_PKGS+=(default-jdk-headless)
		fi
	else
		die "Java 17 or newer is needed." \
			"On Debian/Ubuntu: sudo apt-get install openjdk-17-jdk-headless" \
			"Or install any JDK 17+ and put it on PATH (or set JAVA_HOME)."
	fi
fi

if ! have curl; then
	if [ -n "$CAN_APT" ]; then
		NEED_PKGS+=(curl ca-certificates)
	else
		info "curl not found: using bash's /dev/tcp for the HTTP calls"
	fi
fi

if [ "${#NEED_PKGS[@]}" -gt 0 ]; then
	info "Installing missing packages: ${NEED_PKGS[*]}"
	apt_install "${NEED_PKGS[@]}"
	case " ${NEED_PKGS[*]} " in *" etcd-server "*)
		info "(on systemd hosts the package also enables a system etcd on 127.0.0.1:2379; the demo runs its own)" ;;
	esac
	[ -n "$ETCD" ] || ETCD=$(command -v etcd) || die "etcd still not found after installing etcd-server."
	[ -n "$ETCDCTL" ] || ETCDCTL=$(command -v etcdctl) || die "etcdctl still not found after installing etcd-client."
	if ! find_java; then
		for j in /usr/lib/jvm/*/bin/java; do
			if [ -x "$j" ] && [ "$(java_major "$j")" -ge 17 ]; then
				export JAVA_HOME="${j%/bin/java}"
				break
			fi
		done
		find_java || die "Java 17+ still not found after installing ${NEED_PKGS[*]}."
	fi
fi
# A JAVA_HOME pointing to an older JDK would break the build: use the java we checked.
JAVA=$(readlink -f "$JAVA")
export JAVA_HOME="${JAVA%/bin/java}"

# etcd reads ETCD_* variables as flags; keep only the ones that cannot conflict with ours.
for v in $(compgen -e); do
	case "$v" in
	ETCD_UNSUPPORTED_ARCH) ;;
	ETCD_* | ETCDCTL_*) unset "$v" ;;
	esac
done
export ETCDCTL_API=3
if [ "$(uname -m)" = aarch64 ] && [ -z "${ETCD_UNSUPPORTED_ARCH:-}" ]; then
	export ETCD_UNSUPPORTED_ARCH=arm64
fi

info "etcd:    $ETCD ($("$ETCD" --version 2>/dev/null | head -n 1))"
info "etcdctl: $ETCDCTL"
info "java:    $JAVA ($("$JAVA" -version 2>&1 | head -n 1))"

# ----------------------------------------------------------------------------- helpers
# pick_port VAR: a free loopback TCP port, different from every port picked before.
pick_port() {
	local p attempt
	for ((attempt = 0; attempt < 100; attempt++)); do
		p=""
		if have python3; then
			p=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) || p=""
		fi
		[ -n "$p" ] || p=$((20000 + RANDOM % 12000)) # below the usual ephemeral range
		case " ${USED_PORTS[*]} " in *" $p "*) continue ;; esac
		if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then
			continue # something is listening there
		fi
		USED_PORTS+=("$p")
		printf -v "$1" '%s' "$p"
		return 0
	done
	die "Could not find a free port on 127.0.0.1."
}

ectl() { "$ETCDCTL" --endpoints="$ETCD_URL" --dial-timeout=2s --command-timeout=5s "$@"; }

service_keys() { # the keys under /services/sample-app/, one per line
	local out
	out=$(ectl get --prefix --keys-only "/services/$SERVICE/" 2>&1) || die "etcdctl get failed: $out"
	printf '%s\n' "$out" | sed '/^$/d'
}

key_present() { # key_present KEY: 0 if the key exists in etcd, 1 if not (dies if etcd fails)
	local out
	out=$(ectl get --keys-only "$1" 2>&1) || die "etcdctl get failed: $out"
	[ -n "${out//[[:space:]]/}" ]
}

# http_get URL: sets HTTP_STATUS (000 when no answer) and HTTP_BODY.
http_get() {
	local url=$1 out
	HTTP_STATUS=000
	HTTP_BODY=""
	if have curl; then
		out=$(curl --noproxy '*' -sS --max-time 10 -w '\n%{http_code}' "$url" 2>/dev/null) || true
		if [ -n "$out" ]; then
			HTTP_STATUS=${out##*$'\n'}
			if [[ $out == *$'\n'* ]]; then HTTP_BODY=${out%$'\n'*}; fi
		fi
	else
		local hostport=${url#http://}
		hostport=${hostport%%/*}
		local path=/${url#http://*/}
		out=$(timeout 10 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1#*:}" || exit 7
printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3
cat <&3' _ "$hostport" "$path" 2>/dev/null) || true
		if [[ $out == HTTP/* ]]; then
			HTTP_STATUS=$(printf '%s' "${out%%$'\r'*}" | awk '{ print $2 }')
			HTTP_BODY=${out#*$'\r\n\r\n'}
		fi
	fi
	[ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
}

json_field() { # json_field NAME JSON: a string or number field of a flat JSON object
	local v
	v=$(printf '%s' "$2" | sed -n 's/.*"'"$1"'" *: *"\{0,1\}\([^",}]*\)"\{0,1\}.*/\1/p' | head -n 1)
	printf '%s' "$v"
}

label_of_port() { # "#N" for one of our instances
	local i
	for i in "${!APP_PORT[@]}"; do
		if [ "${APP_PORT[$i]}" = "$1" ]; then
			printf '#%s' "$i"
			return
		fi
	done
	printf '?'
}

tail_log() { # tail_log FILE: last lines of a log, for failure messages
	[ -f "$1" ] || return 0
	printf '\n---- last lines of %s ----\n' "$1" >&2
	tail -n 40 "$1" >&2 || true
	printf -- '----\n' >&2
}

# call ENDPOINT N ALLOWED...: calls instance #1's ENDPOINT N times, prints who answered,
# sets SEEN (space-separated labels); fails if a call errors or reaches a label not allowed.
call_many() {
	local endpoint=$1 n=$2 allowed=" ${*:3} " i port label inst
	local url="http://127.0.0.1:${APP_PORT[1]}/$endpoint/$SERVICE"
	SEEN=""
	info "GET $url  x$n"
	for ((i = 1; i <= n; i++)); do
		http_get "$url"
		if [ "$HTTP_STATUS" != 200 ]; then
			info "$(printf 'call %2d -> FAILED (HTTP %s) %s' "$i" "$HTTP_STATUS" "${HTTP_BODY:0:200}")"
			tail_log "${APP_LOG[1]}"
			die "/$endpoint/$SERVICE on instance #1 failed (HTTP $HTTP_STATUS)."
		fi
		port=$(json_field port "$HTTP_BODY")
		inst=$(json_field instance "$HTTP_BODY")
		label=$(label_of_port "$port")
		info "$(printf 'call %2d -> instance %s  port %s  id %s' "$i" "$label" "$port" "$inst")"
		if [[ $allowed != *" $label "* ]]; then
			die "call $i reached instance $label (port $port), expected only:${allowed% }." "Answer: $HTTP_BODY"
		fi
		case " $SEEN " in *" $label "*) ;; *) SEEN="${SEEN:+$SEEN }$label" ;; esac
	done
}

# ----------------------------------------------------------------------------- 1. work dir
# Logs and etcd's data go to .demo/run.XXXXXX (git-ignored), or to $TMPDIR if the checkout
# is read-only.
if mkdir -p "$ROOT/.demo" 2>/dev/null && WORK=$(mktemp -d "$ROOT/.demo/run.XXXXXX" 2>/dev/null); then
	:
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/etcd-discovery-demo.XXXXXX")
fi

# ----------------------------------------------------------------------------- 2. etcd
start_etcd() {
	local attempt i
	for ((attempt = 1; attempt <= 3; attempt++)); do
		pick_port ETCD_CLIENT_PORT
		pick_port ETCD_PEER_PORT
		ETCD_URL="http://127.0.0.1:$ETCD_CLIENT_PORT"
		step "Starting etcd on 127.0.0.1:$ETCD_CLIENT_PORT (peer port $ETCD_PEER_PORT, data in a temp dir)"
		rm -rf "$WORK/etcd-data"
		"$ETCD" --name demo --data-dir "$WORK/etcd-data" \
			--listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
			--listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
			--initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
			--initial-cluster "demo=http://127.0.0.1:$ETCD_PEER_PORT" \
			--initial-cluster-state new --initial-cluster-token "demo-$$" \
			</dev/null >"$WORK/etcd.log" 2>&1 &
		ETCD_PID=$!
		for ((i = 0; i < ETCD_START_TIMEOUT * 4; i++)); do
			if ectl endpoint health >/dev/null 2>&1; then
				info "etcd is healthy (pid $ETCD_PID): $ETCD_URL"
				return 0
			fi
			running "$ETCD_PID" || break
			sleep 0.25
		done
		if running "$ETCD_PID"; then
			tail_log "$WORK/etcd.log"
			die "etcd did not become healthy within ${ETCD_START_TIMEOUT}s."
		fi
		wait "$ETCD_PID" 2>/dev/null || true
		ETCD_PID=""
		cp "$WORK/etcd.log" "$WORK/etcd-failed-start-$attempt.log"
		if grep -q 'address already in use' "$WORK/etcd.log"; then
			warn "port taken in the meantime, retrying with other ports"
			continue
		fi
		tail_log "$WORK/etcd.log"
		die "etcd exited during start-up."
	done
	die "etcd could not start (ports kept being taken)."
}
start_etcd

# ----------------------------------------------------------------------------- 3. build
step "Building the sample app: ./mvnw -q -B -DskipTests -pl sample-app -am package"
info "(the first run downloads Maven and the dependencies; this can take a few minutes)"
cd "$ROOT"
MVNW=(./mvnw)
[ -x ./mvnw ] || MVNW=(sh ./mvnw)
if ! "${MVNW[@]}" -q -B -DskipTests -pl sample-app -am package; then
	die "The build failed (see the Maven output above)."
fi
[ -f "$JAR" ] || die "The build did not produce $JAR."
info "Built $JAR"

# ----------------------------------------------------------------------------- 4. instances
launch_instance() {
	local i=$1
	pick_port "APP_PORT[$i]"
	APP_LOG[i]="$WORK/instance-$i.log"
	"$JAVA" -jar "$JAR" \
		--server.port="${APP_PORT[$i]}" \
		--spring.cloud.etcd.endpoints="$ETCD_URL" \
		--spring.cloud.etcd.discovery.ttl="${TTL_SECONDS}s" \
		--server.address=127.0.0.1 \
		--spring.cloud.etcd.discovery.host=127.0.0.1 \
		</dev/null >"${APP_LOG[$i]}" 2>&1 &
	APP_PID[i]=$!
	info "instance #$i: port ${APP_PORT[$i]}, pid ${APP_PID[$i]}, log ${APP_LOG[$i]}"
}

# wait_instance I: 0 when healthy and registered; 2 if it died because its port was taken.
wait_instance() {
	local i=$1 deadline key
	deadline=$(($(now_ms) + APP_START_TIMEOUT * 1000))
	while :; do
		http_get "http://127.0.0.1:${APP_PORT[$i]}/actuator/health"
		[ "$HTTP_STATUS" = 200 ] && break
		if ! running "${APP_PID[$i]}"; then
			wait "${APP_PID[$i]}" 2>/dev/null || true
			APP_PID[i]=""
			if grep -qiE 'port .* (was )?already in use|Address already in use' "${APP_LOG[$i]}"; then
				return 2
			fi
			tail_log "${APP_LOG[$i]}"
			die "instance #$i exited during start-up."
		fi
		if [ "$(now_ms)" -gt "$deadline" ]; then
			tail_log "${APP_LOG[$i]}"
			die "instance #$i did not answer /actuator/health with 200 within ${APP_START_TIMEOUT}s" \
				"(last status $HTTP_STATUS: ${HTTP_BODY:0:300})"
		fi
		sleep 0.5
	done
	http_get "http://127.0.0.1:${APP_PORT[$i]}/hello"
	[ "$HTTP_STATUS" = 200 ] || die "instance #$i: GET /hello answered HTTP $HTTP_STATUS."
	APP_ID[i]=$(json_field instance "$HTTP_BODY")
	[ -n "${APP_ID[$i]}" ] || die "instance #$i: /hello did not name its instance: $HTTP_BODY"
	# Its key in etcd: /services/sample-app/{instance-id}.
	deadline=$(($(now_ms) + REGISTER_TIMEOUT * 1000))
	while :; do
		key="/services/$SERVICE/${APP_ID[$i]}"
		if key_present "$key"; then
			APP_KEY[i]=$key
			break
		fi
		if [ "$(now_ms)" -gt "$deadline" ]; then
			info "keys under /services/$SERVICE/:"
			service_keys | sed 's/^/      /' || true
			tail_log "${APP_LOG[$i]}"
			die "instance #$i (id ${APP_ID[$i]}) did not register /services/$SERVICE/${APP_ID[$i]} within ${REGISTER_TIMEOUT}s."
		fi
		sleep 0.25
	done
	info "instance #$i is UP on port ${APP_PORT[$i]}, id ${APP_ID[$i]}"
	return 0
}

step "Configuration in etcd: a greeting for every application (the sample imports optional:etcd:)"
info "\$ etcdctl put /config/application/sample/greeting 'Hello from etcd'"
out=$(ectl put /config/application/sample/greeting 'Hello from etcd' 2>&1) || die "etcdctl put failed: $out"

step "Starting $INSTANCES instances of $SERVICE (lease TTL ${TTL_SECONDS}s, listening and registered on 127.0.0.1)"
info "java -jar ${JAR#"$ROOT"/} --server.port=PORT --spring.cloud.etcd.endpoints=$ETCD_URL \\"
info "     --spring.cloud.etcd.discovery.ttl=${TTL_SECONDS}s --server.address=127.0.0.1 --spring.cloud.etcd.discovery.host=127.0.0.1"
for ((n = 1; n <= INSTANCES; n++)); do launch_instance "$n"; done
info "waiting for /actuator/health of each instance (up to ${APP_START_TIMEOUT}s)..."
for ((n = 1; n <= INSTANCES; n++)); do
	rc=0
	wait_instance "$n" || rc=$?
	if [ "$rc" -eq 2 ]; then
		warn "instance #$n: port ${APP_PORT[$n]} was taken in the meantime, retrying on another port"
		mv "${APP_LOG[$n]}" "$WORK/instance-$n-failed-start.log"
		launch_instance "$n"
		wait_instance "$n" || die "instance #$n could not start."
	fi
done

# ----------------------------------------------------------------------------- 5. registry
show_registry() {
	info "\$ etcdctl --endpoints=$ETCD_URL get --prefix /services/"
	if have python3; then
		ectl get --prefix /services/ -w json | python3 -c '
import base64, json, sys
for kv in json.load(sys.stdin).get("kvs", []):
    key = base64.b64decode(kv["key"]).decode()
    value = base64.b64decode(kv.get("value", "")).decode()
    print("    " + key + ("   (lease %x)" % kv["lease"] if kv.get("lease") else ""))
    try:
        value = json.dumps(json.loads(value), indent=2)
    except ValueError:
        pass
    print("\n".join("        " + line for line in value.splitlines()))
'
	else
		ectl get --prefix /services/ | awk 'NR % 2 { print "    " $0; next } { print "        " $0 }'
	fi
}
step "The registry in etcd: every instance registered itself under /services/$SERVICE/"
show_registry

# ----------------------------------------------------------------------------- 6. calls
step "Instance #1 calls http://$SERVICE/hello 12 times (RestTemplate + @LoadBalanced, resolved through etcd)"
call_many call 12 '#1' '#2' '#3'
read -r -a seen_list <<<"$SEEN"
if [ "${#seen_list[@]}" -lt 2 ]; then
	die "all 12 calls reached the same instance ($SEEN): the load balancer does not see the other instances."
fi
info "=> answered by ${#seen_list[@]} different instances: $SEEN"

step "Same through WebClient (/call-reactive/$SERVICE)"
call_many call-reactive 4 '#1' '#2' '#3'

# ----------------------------------------------------------------------------- 6b. configuration
greeting_of() { # greeting_of I: the greeting instance #I answers now
	http_get "http://127.0.0.1:${APP_PORT[$1]}/greeting"
	[ "$HTTP_STATUS" = 200 ] || die "instance #$1: GET /greeting answered HTTP $HTTP_STATUS."
	json_field greeting "$HTTP_BODY"
}
step "Configuration center: every instance answers /greeting with sample.greeting from etcd"
for ((n = 1; n <= INSTANCES; n++)); do
	g=$(greeting_of "$n")
	info "instance #$n: \"$g\""
	[ "$g" = "Hello from etcd" ] || die "instance #$n answers \"$g\", not the greeting stored in etcd."
done
NEW_GREETING="Bonjour from etcd (changed at $(date +%H:%M:%S))"
step "Changing the greeting for $SERVICE only, while the instances run"
info "\$ etcdctl put $GREETING_KEY '$NEW_GREETING'"
T0=$(now_ms)
out=$(ectl put "$GREETING_KEY" "$NEW_GREETING" 2>&1) || die "etcdctl put failed: $out"
for ((n = 1; n <= INSTANCES; n++)); do
	deadline=$((T0 + CONFIG_TIMEOUT * 1000))
	until [ "$(greeting_of "$n")" = "$NEW_GREETING" ]; do
		if [ "$(now_ms)" -gt "$deadline" ]; then
			tail_log "${APP_LOG[$n]}"
			die "instance #$n still answers the old greeting ${CONFIG_TIMEOUT}s after the put."
		fi
		sleep 0.02
	done
	info "instance #$n answers \"$NEW_GREETING\" $(($(now_ms) - T0)) ms after the put (pushed by etcd's watch, no restart)"
done

# ----------------------------------------------------------------------------- 7. graceful stop
step "Stopping instance #2 gracefully (SIGTERM to pid ${APP_PID[2]}): it must deregister at once"
T0=$(now_ms)
kill -TERM "${APP_PID[2]}"
GONE_MS=""
EXIT_MS=""
deadline=$((T0 + STOP_TIMEOUT * 1000))
while [ -z "$GONE_MS" ] || [ -z "$EXIT_MS" ]; do
	if [ -z "$GONE_MS" ] && ! key_present "${APP_KEY[2]}"; then
		GONE_MS=$(($(now_ms) - T0))
		info "key ${APP_KEY[2]} removed from etcd ${GONE_MS} ms after SIGTERM"
	fi
	if [ -z "$EXIT_MS" ] && ! running "${APP_PID[2]}"; then
		EXIT_MS=$(($(now_ms) - T0))
		rc=0
		wait "${APP_PID[2]}" 2>/dev/null || rc=$?
		APP_PID[2]=""
		info "process exited ${EXIT_MS} ms after SIGTERM (exit code $rc)"
	fi
	if [ "$(now_ms)" -gt "$deadline" ]; then
		[ -n "$GONE_MS" ] || die "the key of instance #2 was still in etcd ${STOP_TIMEOUT}s after SIGTERM."
		die "instance #2 did not exit within ${STOP_TIMEOUT}s after SIGTERM."
	fi
	[ -n "$GONE_MS" ] || continue # poll etcd as fast as etcdctl allows
	sleep 0.05
done
if [ "$GONE_MS" -gt "$DEREGISTER_LIMIT_MS" ]; then
	tail_log "${APP_LOG[2]}"
	die "instance #2 took ${GONE_MS} ms to leave etcd: it did not deregister on shutdown" \
		"(a ${TTL_SECONDS}s lease expiring would look like this)."
fi
info "=> gone from discovery in ${GONE_MS} ms; remaining keys:"
service_keys | sed 's/^/      /'

step "Calls from #1 now reach only #1 and #3"
call_many call 8 '#1' '#3'

# ----------------------------------------------------------------------------- 8. crash
step "Killing instance #3 with SIGKILL (pid ${APP_PID[3]}): no deregistration, its lease must expire"
T0=$(now_ms)
kill -KILL "${APP_PID[3]}"
wait "${APP_PID[3]}" 2>/dev/null || true
APP_PID[3]=""
if key_present "${APP_KEY[3]}"; then
	info "right after the kill, its key is still registered: ${APP_KEY[3]}"
else
	warn "its key was already gone right after the kill"
fi
info "waiting for the lease to expire (TTL ${TTL_SECONDS}s)..."
deadline=$((T0 + EXPIRY_TIMEOUT * 1000))
while key_present "${APP_KEY[3]}"; do
	if [ "$(now_ms)" -gt "$deadline" ]; then
		die "the key of killed instance #3 was still in etcd ${EXPIRY_TIMEOUT}s after SIGKILL (lease TTL ${TTL_SECONDS}s)."
	fi
	sleep 0.2
done
GONE_MS=$(($(now_ms) - T0))
info "$(printf '=> key removed by lease expiry %d.%d s after SIGKILL; remaining keys:' $((GONE_MS / 1000)) $((GONE_MS % 1000 / 100)))"
service_keys | sed 's/^/      /'

step "Calls keep working on the survivor (#1)"
call_many call 4 '#1'
call_many call-reactive 2 '#1'

step "Demo complete: registration, discovery, load balancing, live configuration, graceful deregistration and lease expiry all work."
