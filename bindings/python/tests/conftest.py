# SPDX-License-Identifier: MIT
"""Tests that read ../shared/data carry @pytest.mark.shared_data.

CTest runs them apart (python_binding_data, `-m shared_data`) with
LOY_TEST_SKIP_CODE=77 in the environment: when every selected test passed
or was skipped and at least one was skipped (a reference file is absent),
the session exits with that code, which CTest reports as "Skipped"."""

import os

_skipped = []


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shared_data: reads the reference data in ../shared/data")


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    code = os.environ.get("LOY_TEST_SKIP_CODE")
    if code and _skipped and exitstatus == 0:
        session.exitstatus = int(code)
