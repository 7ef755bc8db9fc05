#!/usr/bin/env bash
# Load test of check-ins (issue 8): 500 check-ins a second for 30 s against a
# running reference app in demo mode, each a new event.
#
#   bash reference-app/attendance_load.sh [BASE] [RATE] [DURATION]
#
# The demo kindergarten Bjørkelia has too few children for 15 000 distinct
# check-ins, so the caseworker first registers 180 more children placed there
# since 1 August last year (use a fresh -data folder or schema: they stay).
# Then loadgen, logged in as the Bjørkelia staff member, checks the first 200
# children in turn in on past days: one round through the children a day,
# from yesterday back ({day}), each event with its own key ({seq}).
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
rate=${2:-500}
duration=${3:-30s}
extra=${EXTRA_CHILDREN:-180}
here=$(cd "$(dirname "$0")" && pwd)
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
curl -sf -c "$jar" -b "$jar" -o /dev/null -L -d persona=caseworker "$base/login/demo"
unit=$(curl -sf -b "$jar" "$base/api/v1/units?limit=200" | grep -o '"id":"[^"]*","name":"Bjørkelia barnehage"' | cut -d'"' -f4)
[ -n "$unit" ] || { echo "no Bjørkelia barnehage" >&2; exit 1; }
year=$(date +%Y)
[ "$(date +%m)" -ge 8 ] || year=$((year - 1))
for i in $(seq 1 "$extra"); do
  child=$(curl -sf -b "$jar" -H 'Content-Type: application/json' \
    -d "{\"givenName\":\"Last$i\",\"familyName\":\"Lastesen\",\"birthDate\":\"$((year - 4))-03-01\"}" \
    "$base/api/v1/children" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
  curl -sf -b "$jar" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"unitId\":\"$unit\",\"hoursPerWeek\":41,\"start\":\"$((year - 1))-08-01\"}" \
    "$base/api/v1/children/$child/placements"
done
cd "$here/.."
go run ./reference-app/loadgen -base "$base" -persona staff-bjorkelia -method POST \
  -path '/api/v1/children/{child}/check-in' -body '{"key":"load-{seq}","at":"{day}T07:30:00Z"}' \
  -rate "$rate" -duration "$duration"
