#!/usr/bin/env bash
# Harness self-test: the per-test timeout stops a test that runs too long.
# vm-timeout: 3
echo "sleeping past the timeout on purpose"
sleep 600
