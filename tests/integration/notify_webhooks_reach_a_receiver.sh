# spec.notify against a real HTTP receiver (a Python http.server, the project's service
# `receiver`, which records every request and answers 500 to the first N when told): a backup's
# start and success reach it signed, with the status's artifacts; a failed backup's failure names
# its reason; a receiver that answers 500 twice gets it on the third try; a receiver that is down
# never fails the job and the status says so; a URL from a file is never shown with its path.
source "$(dirname "$0")/lib.sh"
setup_project

RECEIVER=$WORK/receiver
mkdir -p "$RECEIVER"
cat >"$WORK/receiver.py" <<'PY'
import base64, http.server, json, os
LOG, FAIL = "/data/requests.jsonl", "/data/fail_next"
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers()
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        failures = int(open(FAIL).read() or 0) if os.path.exists(FAIL) else 0
        if failures > 0:
            open(FAIL, "w").write(str(failures - 1))
        with open(LOG, "a") as log:
            log.write(json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                                  "body": base64.b64encode(body).decode(),
                                  "answered": 500 if failures > 0 else 204}) + "\n")
        self.send_response(500 if failures > 0 else 204); self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
PY
python3 - "$WORK/compose.yml" "$WORK/hivekeeper.yml" "$WORK/receiver.py" "$RECEIVER" <<'PY'
import sys, yaml
app = yaml.safe_load(open(sys.argv[1]))
app["services"]["receiver"] = {"image": "hivekeeper-offsite",
                               "volumes": [sys.argv[3] + ":/receiver.py:ro", sys.argv[4] + ":/data"],
                               "command": ["python3", "/receiver.py"]}
yaml.safe_dump(app, open(sys.argv[1], "w"), sort_keys=False)
# The jobs leave network_mode none for the project's network, as a user's must to reach a webhook.
text = open(sys.argv[2]).read().replace("  network_mode: none\n", "")
open(sys.argv[2], "w").write(text)
PY
compose up -d receiver >/dev/null 2>&1 || fail "the receiver did not start"
receiver_ready() {
  for _ in $(seq 1 50); do
    compose exec -T receiver curl -sf http://localhost:8080/ >/dev/null 2>&1 && return
    sleep 0.2
  done
  fail "the receiver did not answer within 10 s"
}
receiver_ready
start_app
seed_database
seed_media

SECRET=hk-webhook-signing-secret
JOB_RUN_OPTIONS=(-e HOOK_SECRET="$SECRET")
requests_seen() { [ -f "$RECEIVER/requests.jsonl" ] && wc -l <"$RECEIVER/requests.jsonl" || echo 0; }
# The requests since SEEN, one JSON object a line, the body decoded: {path, headers, body, answered}.
requests_since() { # seen
  tail -n +"$(($1 + 1))" "$RECEIVER/requests.jsonl" | python3 -c '
import base64, json, sys
for line in sys.stdin:
    request = json.loads(line)
    request["body"] = base64.b64decode(request["body"]).decode()
    print(json.dumps(request))'
}
write_manifest() { # name, then the notify list on standard input (indented as under notify:)
  { cat <<YAML
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata:
  name: $1
spec:
  environment: prod
  media:
    enabled: true
  notify:
YAML
    cat; } >"$WORK/manifests/$1.yaml"
}

# 1. start and success, signed, with the status's artifacts
write_manifest told <<'YAML'
    - url: http://receiver:8080/hooks/plain
      on: [start, success]
      signingSecretFrom: {env: HOOK_SECRET}
YAML
seen=$(requests_seen)
run_job run -f /manifests/told.yaml
assert_eq 0 "$(job_exit)" "exit code of the notified backup"
requests_since "$seen" >"$WORK/told.jsonl"
assert_eq 2 "$(wc -l <"$WORK/told.jsonl")" "requests for start and success"
assert_eq "start success" "$(jq -r '.body | fromjson | .event' "$WORK/told.jsonl" | xargs)" "events in order"
status_file=$BACKUPS/status/told.json
success=$(sed -n 2p "$WORK/told.jsonl" | jq -c '.body | fromjson')
assert_eq "hivekeeper.io/v1 JobNotification 1" "$(jq -r '"\(.apiVersion) \(.kind) \(.version)"' <<<"$success")" "payload version"
assert_eq "told BackupJob prod" "$(jq -r '"\(.job.name) \(.job.kind) \(.job.environment)"' <<<"$success")" "payload job"
assert_eq "Succeeded BackupSucceeded" "$(jq -r '"\(.phase) \(.reason)"' <<<"$success")" "payload outcome"
assert_eq "$(jq -r .status.startTime "$status_file")" "$(jq -r .startTime <<<"$success")" "payload startTime"
[ "$(jq -r .durationSeconds <<<"$success")" -ge 0 ] || fail "no durationSeconds in the payload"
assert_eq "$(jq -c '[.status.artifacts[] | {path, bytes}]' "$status_file")" \
  "$(jq -c '[.artifacts[] | {path, bytes}]' <<<"$success")" "artifacts and sizes as in the status"
dump=$(jq -r '.artifacts[] | select(.kind == "database") | .path' <<<"$success")
assert_eq "$(stat -c %s "$BACKUPS/$(basename "$dump")")" \
  "$(jq -r '.artifacts[] | select(.kind == "database") | .bytes' <<<"$success")" "database artifact size on disk"
assert_eq Running "$(sed -n 1p "$WORK/told.jsonl" | jq -r '.body | fromjson | .phase')" "phase sent at start"
python3 - "$WORK/told.jsonl" "$SECRET" <<'PY' || fail "a signature does not verify"
import hashlib, hmac, json, sys, time
for line in open(sys.argv[1]):
    request = json.loads(line)
    headers = {k.lower(): v for k, v in request["headers"].items()}
    timestamp = headers["x-hivekeeper-timestamp"]
    assert abs(time.time() - int(timestamp)) < 300, "timestamp too far from now"
    expected = "sha256=" + hmac.new(sys.argv[2].encode(), (timestamp + "." + request["body"]).encode(),
                                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, headers["x-hivekeeper-signature"]), (expected, headers)
PY
assert_eq "start:true success:true" \
  "$(jq -r '.status.notifications[] | "\(.event):\(.delivered)"' "$status_file" | xargs)" "deliveries in the status"
assert_eq "http://receiver:8080/..." "$(jq -r '.status.notifications[0].target' "$status_file")" "target as recorded"
for file in "$WORK/stdout" "$WORK/stderr" "$status_file"; do
  ! grep -qF "$SECRET" "$file" || fail "the signing secret appears in $(basename "$file")"
done

# 2. 500 twice, then delivered on the third try; a Slack body to a URL read from a file
HOOK_PATH=/hooks/T0SECRET/B0SECRET/only-the-receiver-knows
echo "http://receiver:8080$HOOK_PATH" >"$WORK/manifests/hook-url"
write_manifest retried <<'YAML'
    - urlFrom: {file: /manifests/hook-url}
      format: slack
      on: [success]
YAML
echo 2 >"$RECEIVER/fail_next"
seen=$(requests_seen)
run_job run -f /manifests/retried.yaml
assert_eq 0 "$(job_exit)" "exit code of the retried notification's backup"
requests_since "$seen" >"$WORK/retried.jsonl"
assert_eq "500 500 204" "$(jq -r .answered "$WORK/retried.jsonl" | xargs)" "answers of the receiver"
assert_eq "$HOOK_PATH" "$(jq -r .path "$WORK/retried.jsonl" | sort -u)" "path of the URL from the file"
text=$(tail -1 "$WORK/retried.jsonl" | jq -r '.body | fromjson | .text')
[[ $text == "BackupJob retried (prod) succeeded"*"artifacts"* ]] || fail "Slack text: $text"
status_file=$BACKUPS/status/retried.json
assert_eq "true 3" "$(jq -r '.status.notifications[0] | "\(.delivered) \(.attempts)"' "$status_file")" "delivered on try 3"
for file in "$WORK/stdout" "$WORK/stderr" "$status_file" "$BACKUPS"/*.json; do
  ! grep -qF "T0SECRET" "$file" || fail "the webhook URL's path appears in $(basename "$file")"
done

# 3. the receiver down: the job still succeeds, and the status says the webhook was not told
compose stop receiver >/dev/null 2>&1
write_manifest unheard <<'YAML'
    - url: http://receiver:8080/hooks/plain
      on: [success]
YAML
run_job run -f /manifests/unheard.yaml
assert_eq 0 "$(job_exit)" "exit code with the receiver down"
status_file=$BACKUPS/status/unheard.json
assert_eq Succeeded "$(jq -r .status.phase "$status_file")" "phase with the receiver down"
assert_eq "false 4" "$(jq -r '.status.notifications[0] | "\(.delivered) \(.attempts)"' "$status_file")" "not delivered after 4 tries"
[ -n "$(jq -r '.status.notifications[0].error // ""' "$status_file")" ] || fail "no error recorded for the undelivered webhook"
assert_contains "$WORK/stderr" "could not notify http://receiver:8080/..."

# 4. a failed backup (the database stopped): the failure, with its reason and hint
compose up -d receiver >/dev/null 2>&1 || fail "the receiver did not start again"
receiver_ready
compose stop db >/dev/null 2>&1
write_manifest failing <<'YAML'
    - url: http://receiver:8080/hooks/plain
YAML
seen=$(requests_seen)
run_job run -f /manifests/failing.yaml
assert_eq 1 "$(job_exit)" "exit code of the failing backup"
requests_since "$seen" >"$WORK/failing.jsonl"
assert_eq 1 "$(wc -l <"$WORK/failing.jsonl")" "requests for the failure alone (on defaults to [failure])"
failure=$(jq -c '.body | fromjson' "$WORK/failing.jsonl")
assert_eq "failure Failed DatabaseContainerNotRunning" "$(jq -r '"\(.event) \(.phase) \(.reason)"' <<<"$failure")" "failure payload"
[[ $(jq -r .message <<<"$failure") == *"is not running"* ]] || fail "failure message: $(jq -r .message <<<"$failure")"
[[ $(jq -r .hint <<<"$failure") == *"docker compose up -d db"* ]] || fail "failure hint: $(jq -r .hint <<<"$failure")"
assert_eq "failure:true" "$(jq -r '.status.notifications[] | "\(.event):\(.delivered)"' "$BACKUPS/status/failing.json")" "failure delivery in the status"
echo "PASS $TEST_NAME"
