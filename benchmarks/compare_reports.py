"""Scan real releases with two checkouts (a fresh process each) and compare the JSON reports,
timings aside: a change to start-up or performance code must leave every figure, finding and
role as it was.

    SHARECHECK_DATASETS=/work/shared/datasets python benchmarks/compare_reports.py BEFORE_DIR AFTER_DIR
"""
import json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _results import SHARED_DATASETS

before, after = (os.path.abspath(tree) for tree in sys.argv[1:3])
D = f"{SHARED_DATASETS}/"
A = D + "adult/adult_arx.csv"
CASES = [(A, ["--qi", "workclass", "--sensitive", "salary-class"]),
         (A, ["--qi", "workclass", "--sensitive", "salary-class", "--no-inference"]),
         (D + "adult/adult_uci_full.csv", []),
         *[(D + p, []) for p in ["chicago/chicago_community_crime_rates_socio.csv", "austin/Repeat_Offender_Registrations.csv",
            "chicago/extra/Debarred_Firms_and_Individuals.csv", "new_orleans/Hotels__Motels__B_Bs__and_Boarding_Houses.csv",
            "montgomery_md/Residential_Impact_Tax_for_Rockville.csv", "chicago/extra/Towed_Vehicles.csv",
            "new_orleans/Restaurants_data.csv", "chicago/chicago_crimes_2016jan_sample.csv", "nyc/Consumer_Services_Mediated_Complaints.csv",
            "seattle/City_of_Seattle_Wage_Data.csv", "los_angeles/Registered_City_Lobbyists.csv",
            "boston/crime_2019/boston_crime_2019_near_details_with_tracts.csv", "montgomery_md/Crash_Reporting_-_Non-Motorists_Data.csv",
            "citibike_jc/JC-201801-citibike-tripdata.csv", "chicago/chicago_employee_salaries_2016.csv"]]]
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k != "timings_s"}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
def scan(tree, path, extra, out):
    env = {**os.environ, "PYTHONPATH": tree, "OMP_NUM_THREADS": "1"}
    r = subprocess.run([sys.executable, "-m", "sharecheck", "scan", path, "--format", "json", "-o", out, *extra],
                       cwd="/tmp", env=env, capture_output=True, text=True)
    return r.returncode, (strip(json.load(open(out))) if os.path.exists(out) else r.stderr[-300:])
bad = 0
with tempfile.TemporaryDirectory() as tmp:
    for i, (path, extra) in enumerate(CASES):
        a = scan(before, path, extra, f"{tmp}/a{i}.json")
        b = scan(after, path, extra, f"{tmp}/b{i}.json")
        same = a == b
        bad += not same
        print("SAME" if same else "DIFF", a[0], b[0], path.removeprefix(D), " ".join(extra), flush=True)
print("differences:", bad)
sys.exit(1 if bad else 0)
