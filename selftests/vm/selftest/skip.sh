#!/usr/bin/env bash
# Harness self-test: exit code 4 means "skipped".
echo "skipping on purpose"
exit 4
