"""Runs CareLake's pipeline DAG from Airflow through the `carelake` command line.

One Airflow task runs `carelake run` (the whole CareLake DAG: file drops -> bronze -> silver -> gold ->
quality -> Parquet); the next reads the run's JSON artifact (schema carelake.run_results.v1) and fails,
naming the CareLake tasks, when any of them failed or was skipped. A second DAG backfills gold one
logical day at a time.

Set CARELAKE_HOME to the folder holding the `carelake` script and CARELAKE_CONFIG to its config file;
the artifact folder is passed to CareLake through the config's schedule.artifact_dir, which this file
reads from CARELAKE_ARTIFACT_DIR (keep the two the same).

Exit codes of `carelake run` (docs/orchestration.md): 0 success, 1 a task failed, 2 usage or config
error, 3 another run holds the lease (retry later), 4 data quality blocked a table.
"""

import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

from airflow import DAG
from airflow.exceptions import AirflowException
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

CARELAKE = os.path.join(os.environ.get("CARELAKE_HOME", "/opt/carelake"), "carelake")
ARTIFACT_DIR = os.environ.get("CARELAKE_ARTIFACT_DIR", "/var/lib/carelake/runs")
SCHEMA_VERSION = "carelake.run_results.v1"

# `carelake run` prints "run RUN_ID STATUS; artifact PATH" as its last line; Bash pushes that line to XCom.
RUN_COMMAND = (
    f'{CARELAKE} run ${{CARELAKE_RESUME:+--resume "$CARELAKE_RESUME"}} {{{{ params.extra }}}} 2>&1 | tee /dev/stderr | tail -n 1; '
    'exit ${PIPESTATUS[0]}'
)


def read_artifact(ti, **_):
    """Reads the run's artifact and fails when a CareLake task failed or was skipped."""
    line = ti.xcom_pull(task_ids="carelake_run") or ""
    match = re.search(r"artifact (\S+)", line)
    if match:
        path = Path(match.group(1))
    else:
        runs = sorted(Path(ARTIFACT_DIR).glob("*/run_results.json"), key=lambda p: p.stat().st_mtime)
        if not runs:
            raise AirflowException(f"no run artifact in {ARTIFACT_DIR}")
        path = runs[-1]
    run = json.loads(path.read_text(encoding="utf-8"))
    if run.get("schema_version") != SCHEMA_VERSION:
        raise AirflowException(f"{path}: unknown artifact schema {run.get('schema_version')}")
    bad = [f"{t['task']} {t['status']}: {t.get('error') or ''}" for t in run["tasks"] if t["status"] != "succeeded"]
    summary = run["summary"]
    print(f"CareLake run {run['run_id']} {run['status']}: {summary['succeeded']}/{summary['tasks']} tasks succeeded")
    for task in run["tasks"]:
        print(f"  {task['task']:<40} {task['status']:<10} attempts={task['attempts']} rows={task['rows']} {task['duration_ms']} ms")
    if bad:
        # Clear this DAG run with CARELAKE_RESUME=<run_id> to continue from the failed step.
        raise AirflowException(f"CareLake run {run['run_id']}: " + "; ".join(bad))
    return run["run_id"]


default_args = {
    "owner": "data-engineering",
    "retries": 3,  # exit code 3 (lease held) and transient failures
    "retry_delay": timedelta(minutes=5),
}

with DAG(
    dag_id="carelake_pipeline",
    start_date=datetime(2026, 1, 1),
    schedule="0 2 * * *",
    catchup=False,
    default_args=default_args,
    params={"extra": ""},
    tags=["carelake"],
) as pipeline:
    run = BashOperator(task_id="carelake_run", bash_command=RUN_COMMAND, do_xcom_push=True)
    check = PythonOperator(task_id="carelake_results", python_callable=read_artifact)
    run >> check

with DAG(
    dag_id="carelake_gold_backfill",
    start_date=datetime(2026, 1, 1),
    schedule="@daily",
    catchup=True,  # `airflow dags backfill -s 2026-03-01 -e 2026-03-31 carelake_gold_backfill` recomputes those days
    max_active_runs=1,  # CareLake's run lease lets one run at a time anyway
    default_args=default_args,
    tags=["carelake"],
) as backfill:
    day = BashOperator(
        task_id="carelake_run",
        bash_command=f'{CARELAKE} run --select gold --from {{{{ ds }}}} --to {{{{ ds }}}} 2>&1 | tee /dev/stderr | tail -n 1; exit ${{PIPESTATUS[0]}}',
        do_xcom_push=True,
    )
    check = PythonOperator(task_id="carelake_results", python_callable=read_artifact)
    day >> check
