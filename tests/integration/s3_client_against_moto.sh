# The S3 client (runner/s3) against a real S3 API server: moto_server, and the fault proxy
# (s3_fault_proxy.py, a fake for the faults a real server cannot be made to produce) in front of
# it. A second moto_server has its IAM checks on (an IAM user's key made at the start, then every
# request's SigV4 signature verified against it) for the credentials test. The main one accepts
# any key: moto 5.1.1's signature check refuses correctly signed query values holding '/'
# (prefix=a%2Fb; it signs the decoded URL), and aws-cli 2.23's requests too.
# tests/offsite/s3_client_check runs against them: put/get/head/list (1234 keys, two pages)/
# delete, a 25 MiB multipart upload read back, wrong credentials, a missing bucket, a 500 / a
# dropped connection / a flipped byte in a part (retried), a part failing every try and SIGTERM
# mid-part (aborted, nothing left open). The reference client checks our work both ways:
# `aws s3 ls`/`aws s3 cp` read the multipart object we wrote, and we read one `aws s3 cp` wrote.
# Needs the images hivekeeper-offsite and hivekeeper-dev, and s3_client_check built under $HK_ROOT
# (S3_CLIENT_CHECK; by default the one of the build ctest runs in, else build-test's).
source "$(dirname "$0")/lib.sh"
OFFSITE_IMAGE=${HIVEKEEPER_OFFSITE_IMAGE:-hivekeeper-offsite}
DEV_IMAGE=${HIVEKEEPER_DEV_IMAGE:-hivekeeper-dev}
# ctest runs suites in BUILD/tests/integration, so the build's own s3_client_check is next door.
CHECK=${S3_CLIENT_CHECK:-$(realpath -q "$PWD/../offsite/s3_client_check" || true)}
[ -x "$CHECK" ] || CHECK=$HK_ROOT/build-test/tests/offsite/s3_client_check
NETWORK=$PROJECT
MOTO=$PROJECT-moto
MOTO_IAM=$PROJECT-moto-iam
PROXY=$PROJECT-proxy
BUCKET=hive-backups
[ -x "$CHECK" ] || fail "no s3_client_check at $CHECK: build it (cmake --build BUILD --target s3_client_check) and set S3_CLIENT_CHECK"

remove_s3_setup() {
  docker rm -f "$MOTO" "$MOTO_IAM" "$PROXY" "$PROJECT-check" >/dev/null 2>&1 || true
  docker network rm "$NETWORK" >/dev/null 2>&1 || true
}

cleanup_s3() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "---- $TEST_NAME failed (exit $status)" >&2
    for container in "$MOTO" "$MOTO_IAM" "$PROXY"; do
      echo "---- docker logs $container" >&2
      docker logs --tail 40 "$container" >&2 2>&1 || true
    done
    echo "---- work dir kept: $WORK" >&2
  fi
  if [ "${HK_KEEP:-0}" != 1 ]; then
    remove_s3_setup
    [ "$status" -eq 0 ] && rm -rf "$WORK"
  fi
  exit "$status"
}

remove_s3_setup
rm -rf "$WORK"
mkdir -p "$WORK"
trap cleanup_s3 EXIT
docker network create "$NETWORK" >/dev/null
for server in "$MOTO" "$MOTO_IAM"; do
  docker run -d --name "$server" --network "$NETWORK" --network-alias "${server#"$PROJECT-"}" \
    "$OFFSITE_IMAGE" >/dev/null
done
for server in "$MOTO" "$MOTO_IAM"; do
  for _ in $(seq 1 100); do
    docker exec "$server" curl -sf -o /dev/null http://localhost:5000/moto-api/ 2>/dev/null && break
    sleep 0.2
  done
  docker exec "$server" curl -sf -o /dev/null http://localhost:5000/moto-api/ || fail "$server did not start"
done

aws_cli() { # server key secret args...: the reference client, on the suite's network
  local server=$1 key=$2 secret=$3
  shift 3
  docker run --rm --network "$NETWORK" -v "$WORK:$WORK" -e AWS_ACCESS_KEY_ID="$key" \
    -e AWS_SECRET_ACCESS_KEY="$secret" -e AWS_DEFAULT_REGION=us-east-1 -e AWS_PAGER= \
    "$OFFSITE_IMAGE" aws --endpoint-url "http://$server:5000" "$@"
}

# moto-iam, before its IAM checks are on: a user allowed everything, its access key, the bucket.
aws_cli moto-iam setup setup iam create-user --user-name hivekeeper >/dev/null
aws_cli moto-iam setup setup iam put-user-policy --user-name hivekeeper --policy-name all --policy-document \
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
aws_cli moto-iam setup setup iam create-access-key --user-name hivekeeper >"$WORK/key.json"
KEY=$(jq -r .AccessKey.AccessKeyId "$WORK/key.json")
SECRET=$(jq -r .AccessKey.SecretAccessKey "$WORK/key.json")
aws_cli moto-iam "$KEY" "$SECRET" s3api create-bucket --bucket "$BUCKET" >/dev/null
aws_cli moto "$KEY" "$SECRET" s3api create-bucket --bucket "$BUCKET" >/dev/null
# From here on moto-iam checks every request's signature against the IAM user's key.
docker exec "$MOTO_IAM" curl -sf -X POST -H 'Content-Type: text/plain' --data-binary 0 \
  http://localhost:5000/moto-api/reset-auth >/dev/null
if aws_cli moto-iam "$KEY" wrong-secret s3api head-bucket --bucket "$BUCKET" >"$WORK/aws-wrong.out" 2>&1; then
  fail "moto-iam accepted a wrong secret, so the wrong-credentials test would prove nothing"
fi

docker run -d --name "$PROXY" --network "$NETWORK" --network-alias faults \
  -v "$HK_ROOT/tests/integration/s3_fault_proxy.py:/s3_fault_proxy.py:ro" "$OFFSITE_IMAGE" \
  python3 /s3_fault_proxy.py --listen 8000 --upstream moto:5000 >/dev/null

# An object the reference client writes (in 8 MiB multipart chunks), for our client to read.
run=run-$(date +%s)-$$
head -c $((20 * 1024 * 1024 + 77)) /dev/urandom >"$WORK/reference.bin"
aws_cli moto "$KEY" "$SECRET" s3 cp "$WORK/reference.bin" "s3://$BUCKET/$run/from-aws/reference.bin" >/dev/null
reference_sha=$(sha256sum "$WORK/reference.bin" | cut -d' ' -f1)

set +e
docker run --rm --name "$PROJECT-check" --network "$NETWORK" -v "$HK_ROOT:$HK_ROOT:ro" -v "$WORK:$WORK" \
  -e S3_TEST_ENDPOINT=http://moto:5000 -e S3_TEST_FAULT_ENDPOINT=http://faults:8000 \
  -e S3_TEST_AUTH_ENDPOINT=http://moto-iam:5000 \
  -e S3_TEST_BUCKET="$BUCKET" -e S3_TEST_ACCESS_KEY_ID="$KEY" -e S3_TEST_SECRET_ACCESS_KEY="$SECRET" \
  -e S3_TEST_PREFIX="$run" -e S3_TEST_WORK="$WORK" \
  -e S3_TEST_REFERENCE_KEY="$run/from-aws/reference.bin" -e S3_TEST_REFERENCE_SHA256="$reference_sha" \
  "$DEV_IMAGE" "$CHECK" 2>&1 | tee "$WORK/check.out"
check_status=${PIPESTATUS[0]}
set -e
assert_eq 0 "$check_status" "exit status of s3_client_check"
assert_contains "$WORK/check.out" "[  PASSED  ] 12 tests."

# The reference client lists and fetches the multipart object our client wrote.
key=$(cat "$WORK/multipart.key")
aws_cli moto "$KEY" "$SECRET" s3 ls "s3://$BUCKET/$key" >"$WORK/aws-ls.out"
assert_contains "$WORK/aws-ls.out" "$((25 * 1024 * 1024 + 123)) multipart.bin"
aws_cli moto "$KEY" "$SECRET" s3 cp "s3://$BUCKET/$key" "$WORK/multipart.bin" >/dev/null
assert_eq "$(cat "$WORK/multipart.sha256")" "$(sha256sum "$WORK/multipart.bin" | cut -d' ' -f1)" \
  "sha256 of the multipart object as aws s3 cp read it"
aws_cli moto "$KEY" "$SECRET" s3api list-multipart-uploads --bucket "$BUCKET" --prefix "$run" >"$WORK/uploads.json"
assert_eq 0 "$(jq '.Uploads // [] | length' "$WORK/uploads.json" 2>/dev/null || echo 0)" "multipart uploads left open"

echo "figures:"
grep -h '^\[ figures  \]' "$WORK/check.out" | sed 's/^\[ figures  \] /  /'
echo "a corrupted part was caught by: $(cat "$WORK/corrupt.caught-by")"
echo "PASS $TEST_NAME"
