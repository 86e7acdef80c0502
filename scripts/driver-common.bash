# shellcheck shell=bash
# driver-common.bash: what scripts/quarterly-review, scripts/monthly-checkin and
# scripts/weekly-check share. Sourced, never run; the caller sets `prog` (its name, for
# messages) and runs with `set -eu -o pipefail`.
#
#   drv_parse_options ARG...        the options of quarterly-review and monthly-checkin
#                                   (the caller defines help(); --since only when
#                                   drv_accept_since=1); sets drv_plan, drv_db,
#                                   drv_as_of_s (unix seconds), drv_as_of_text (RFC 3339),
#                                   drv_out, drv_since, drv_skip_ingest, and the arrays
#                                   drv_ingest_opts, drv_model_opts, drv_render_opts
#   drv_prepare LOG                 find the three programs (drv_ingest, drv_model,
#                                   drv_render), create LOG's folder, open the log,
#                                   drv_db_args=(--db CONNINFO) or ()
#   drv_die STATUS MESSAGE [HINT]   one error line (and a hint line) on stderr, exit STATUS
#   drv_find_program NAME           REPLY = the path of capplan program NAME:
#                                   $CAPPLAN_BIN_DIR, else the checkout's bin/, else PATH
#   drv_time TIME                   REPLY = unix seconds of TIME (RFC 3339, a date, unix
#                                   seconds, now, now-DURATION); status 1 when TIME is bad
#   drv_duration DURATION           REPLY = seconds of a Prometheus duration (90d, 1h30m)
#   drv_rfc3339 SECONDS             REPLY = RFC 3339 UTC
#   drv_log_open FILE               append to FILE (the review log), locked against a
#                                   second driver writing the same folder at once
#   drv_stage NAME PROGRAM ARG...   run one stage (below); drv_stage_out = the file that
#                                   holds its standard output until the driver ends
#
# Stages. drv_stage runs PROGRAM with its standard output and error captured, and
# appends the command (a --db value left out: it may hold a password), the output and
# the wall time to the log. Unless drv_quiet=1 it announces the stage, shows a ticker
# with the elapsed time and the stage's latest output line while the stage runs (when
# stderr is a terminal: the programs draw their own progress only on a terminal), then
# prints the stage's output. The stage's standard error is always passed on. On failure
# it names the stage, the status and the log, and exits with the stage's status (70 when
# the stage was killed by a signal). SIGINT, SIGTERM and SIGHUP stop the running stage
# and end the driver with 130, 143 or 129.

# Set by the caller before sourcing; the defaults keep the file usable alone.
prog=${prog:-capplan-driver}
drv_quiet=${drv_quiet:-0}
drv_log=''
drv_child=''
drv_tmp=''
drv_stage_no=0
# shellcheck disable=SC2034  # read by the callers
drv_stage_out=''
drv_stage_count=${drv_stage_count:-0}

drv_die() {
	local status=$1
	printf '%s: %s\n' "$prog" "$2" >&2
	if [ $# -ge 3 ] && [ -n "$3" ]; then
		printf '%s\n' "$3" >&2
	fi
	exit "$status"
}

drv_usage_error() {
	printf '%s: %s\n' "$prog" "$1" >&2
	printf 'Try "%s --help" for more information.\n' "$prog" >&2
	exit 64
}

# shellcheck disable=SC2034  # the variables are the callers'
drv_parse_options() {
	local opt val as_of=now
	drv_plan='' drv_db='' drv_out='' drv_since='' drv_skip_ingest=0
	drv_ingest_opts=() drv_model_opts=() drv_render_opts=()
	while [ $# -gt 0 ]; do
		opt=$1
		val=''
		case $opt in
		--*=*)
			val=${opt#*=}
			opt=${opt%%=*}
			;;
		-c | --config | -d | --db | --as-of | -o | --out | --since | --ingest-opt | --model-opt | --render-opt)
			[ $# -ge 2 ] || drv_usage_error "option $opt needs a value"
			val=$2
			shift
			;;
		esac
		case $opt in
		-c | --config) drv_plan=$val ;;
		-d | --db) drv_db=$val ;;
		--as-of) as_of=$val ;;
		-o | --out) drv_out=$val ;;
		--since) drv_since=$val ;;
		--ingest-opt) drv_ingest_opts+=("$val") ;;
		--model-opt) drv_model_opts+=("$val") ;;
		--render-opt) drv_render_opts+=("$val") ;;
		--skip-ingest) drv_skip_ingest=1 ;;
		-q | --quiet) drv_quiet=1 ;;
		-\? | -h | --help)
			help
			exit 0
			;;
		*) drv_usage_error "unknown option \"$1\"" ;;
		esac
		shift
	done
	[ -n "$drv_plan" ] || drv_usage_error "no plan: give --config=PLAN"
	if [ -n "$drv_since" ] && [ "${drv_accept_since:-0}" != 1 ]; then
		drv_usage_error "unknown option \"--since\" (the ingest window is the plan's history)"
	fi
	if ! drv_time "$as_of"; then
		drv_usage_error "--as-of: \"$as_of\" is not a time (RFC 3339, a date, Unix seconds, now, now-90d)"
	fi
	drv_as_of_s=$REPLY
	drv_rfc3339 "$drv_as_of_s"
	drv_as_of_text=$REPLY
	# A missing plan is the ingest stage's to report (66), but a review of nothing should
	# not leave an empty folder behind: say it before creating anything.
	if [ ! -r "$drv_plan" ]; then
		drv_die 66 "$drv_plan: cannot read the plan" \
			"give the path of your plan.yml (reports/plan.example.yml shows every key)"
	fi
}

# shellcheck disable=SC2034  # the variables are the callers'
drv_prepare() {
	local log=$1 dir
	dir=$(dirname "$log")
	drv_find_program capplan-ingest
	drv_ingest=$REPLY
	drv_find_program capplan-model
	drv_model=$REPLY
	drv_find_program capplan-render
	drv_render=$REPLY
	mkdir -p "$dir" 2>/dev/null || drv_die 73 "$dir: cannot create the output folder" "give another --out"
	drv_log_open "$log"
	drv_db_args=()
	if [ -n "$drv_db" ]; then
		drv_db_args=(--db "$drv_db")
	fi
}

drv_say() {
	if [ "$drv_quiet" -eq 0 ]; then
		printf '%s: %s\n' "$prog" "$*"
	fi
}

drv_find_program() {
	local name=$1 here
	REPLY=''
	if [ -n "${CAPPLAN_BIN_DIR:-}" ]; then
		if [ -x "$CAPPLAN_BIN_DIR/$name" ]; then
			REPLY=$CAPPLAN_BIN_DIR/$name
			return 0
		fi
		drv_die 69 "$CAPPLAN_BIN_DIR/$name: no such program (CAPPLAN_BIN_DIR=$CAPPLAN_BIN_DIR)" \
			"build it (make), or unset CAPPLAN_BIN_DIR to use the checkout's bin/ or PATH"
	fi
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	if [ -x "$here/bin/$name" ]; then
		REPLY=$here/bin/$name
		return 0
	fi
	if REPLY=$(command -v "$name"); then
		return 0
	fi
	drv_die 69 "$name: not found in $here/bin nor in PATH" \
		"build it (make), install it (make install), or set CAPPLAN_BIN_DIR to its folder"
}

# Prometheus durations: a sequence of NUMBER UNIT with units y w d h m s ms; ms count as 0.
drv_duration() {
	local rest=$1 total=0 n unit
	REPLY=''
	[ -n "$rest" ] || return 1
	while [ -n "$rest" ]; do
		if [[ $rest =~ ^([0-9]{1,9})(ms|y|w|d|h|m|s)(.*)$ ]]; then
			n=$((10#${BASH_REMATCH[1]}))
			unit=${BASH_REMATCH[2]}
			rest=${BASH_REMATCH[3]}
		else
			return 1
		fi
		case $unit in
		y) total=$((total + n * 31536000)) ;;
		w) total=$((total + n * 604800)) ;;
		d) total=$((total + n * 86400)) ;;
		h) total=$((total + n * 3600)) ;;
		m) total=$((total + n * 60)) ;;
		s) total=$((total + n)) ;;
		ms) ;;
		esac
	done
	REPLY=$total
}

drv_time() {
	local t=$1 now
	REPLY=''
	now=$(date +%s)
	case $t in
	now)
		REPLY=$now
		;;
	now-*)
		drv_duration "${t#now-}" || return 1
		REPLY=$((now - REPLY))
		;;
	*)
		if [[ $t =~ ^([0-9]{1,12})(\.[0-9]*)?$ ]]; then
			REPLY=$((10#${BASH_REMATCH[1]}))
		elif [[ $t =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt\ ][0-9:.]+([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?$ ]]; then
			REPLY=$(date -u -d "$t" +%s 2>/dev/null) || return 1
		else
			return 1
		fi
		;;
	esac
}

drv_rfc3339() {
	REPLY=$(date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ)
}

# Seconds since an $EPOCHREALTIME value, to a tenth.
drv_elapsed() {
	LC_ALL=C awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

drv_log_open() {
	drv_log=$1
	if ! : >>"$drv_log" 2>/dev/null; then
		drv_die 73 "$drv_log: cannot write the log" "check the folder's permissions, or give another --out"
	fi
	# One driver per folder at a time: a second one would interleave its log and packet.
	if command -v flock >/dev/null 2>&1; then
		exec {drv_lock_fd}>>"$drv_log"
		if ! flock -n "$drv_lock_fd"; then
			drv_die 75 "$(dirname "$drv_log"): another $prog is writing this folder" \
				"wait for it to finish, or give another --out"
		fi
	fi
	drv_tmp=$(mktemp -d "${TMPDIR:-/tmp}/capplan-driver.XXXXXX")
	trap drv_cleanup EXIT
	trap 'drv_interrupted 129 HUP' HUP
	trap 'drv_interrupted 130 INT' INT
	trap 'drv_interrupted 143 TERM' TERM
}

# The traps call these; shellcheck cannot see that.
# shellcheck disable=SC2317
drv_cleanup() {
	if [ -n "$drv_tmp" ]; then
		rm -rf "$drv_tmp"
	fi
}

# shellcheck disable=SC2317
drv_interrupted() {
	local status=$1 sig=$2
	if [ -n "$drv_child" ]; then
		kill -TERM "$drv_child" 2>/dev/null || true
		wait "$drv_child" 2>/dev/null || true
	fi
	if [ -t 2 ]; then
		printf '\r\033[K' >&2
	fi
	printf '%s: interrupted by SIG%s\n' "$prog" "$sig" >&2
	if [ -n "$drv_log" ]; then
		printf '%s: interrupted by SIG%s\n' "$prog" "$sig" >>"$drv_log"
	fi
	exit "$status"
}

# The command line for the log and the announcement: the --db value is left out.
drv_shown_command() {
	local out=${1##*/} skip=0 a
	shift
	for a in "$@"; do
		if [ "$skip" -eq 1 ]; then
			out+=" (conninfo not shown)"
			skip=0
			continue
		fi
		case $a in
		--db | -d)
			out+=" $a"
			skip=1
			;;
		--db=*) out+=" --db=(conninfo not shown)" ;;
		*' '* | *"'"* | *'"'* | '') out+=" '${a//\'/\'\\\'\'}'" ;;
		*) out+=" $a" ;;
		esac
	done
	REPLY=$out
}

drv_ticker() {
	local name=$1 started=$2 outfile=$3 last cols line
	cols=$(tput cols 2>/dev/null || echo 80)
	last=''
	if [ -s "$outfile" ]; then
		last=$(tail -n 1 "$outfile" 2>/dev/null || true)
	fi
	line=$(printf '%s: %s: %ss %s' "$prog" "$name" "$(drv_elapsed "$started" | cut -d. -f1)" "$last")
	printf '\r\033[K%s' "${line:0:$((cols - 1))}" >&2
}

drv_stage() {
	local name=$1 program=$2 status=0 started seconds shown out err sig
	shift 2
	drv_stage_no=$((drv_stage_no + 1))
	out=$drv_tmp/$name.out
	# shellcheck disable=SC2034  # read by the callers
	drv_stage_out=$out
	err=$drv_tmp/$name.err
	drv_shown_command "$program" "$@"
	shown=$REPLY
	drv_say "[$drv_stage_no/$drv_stage_count] $name: $shown"
	{
		printf '\n[%s] %s: started\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name"
		printf '$ %s\n' "$shown"
	} >>"$drv_log"
	started=$EPOCHREALTIME
	"$program" "$@" >"$out" 2>"$err" </dev/null &
	drv_child=$!
	if [ "$drv_quiet" -eq 0 ] && [ -t 2 ]; then
		while kill -0 "$drv_child" 2>/dev/null; do
			drv_ticker "$name" "$started" "$out"
			sleep 0.5
		done
		printf '\r\033[K' >&2
	fi
	wait "$drv_child" || status=$?
	drv_child=''
	seconds=$(drv_elapsed "$started")
	cat "$out" "$err" >>"$drv_log"
	if [ "$drv_quiet" -eq 0 ]; then
		cat "$out"
	fi
	cat "$err" >&2
	if [ "$status" -eq 0 ]; then
		printf '[%s] %s: ok in %s s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$seconds" >>"$drv_log"
		drv_say "$name: ok in $seconds s"
		return 0
	fi
	if [ "$status" -gt 128 ]; then
		sig=$(kill -l "$((status - 128))" 2>/dev/null || echo "$((status - 128))")
		printf '[%s] %s: killed by SIG%s after %s s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$sig" \
			"$seconds" >>"$drv_log"
		printf '%s: %s: %s was killed by SIG%s after %s s; nothing after it ran (log: %s)\n' \
			"$prog" "$name" "${program##*/}" "$sig" "$seconds" "$drv_log" >&2
		printf 'what it wrote was not committed; run %s again\n' "$prog" >&2
		exit 70
	fi
	printf '[%s] %s: failed with exit status %s after %s s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" \
		"$status" "$seconds" >>"$drv_log"
	printf '%s: %s: %s failed with exit status %s; nothing after it ran (log: %s)\n' \
		"$prog" "$name" "${program##*/}" "$status" "$drv_log" >&2
	exit "$status"
}
