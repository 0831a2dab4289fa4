#!/usr/bin/env bash
# Harness self-test: a non-zero exit code is a failure.
echo "failing on purpose"
exit 1
