"""The benchmark harness's pure parts (bench/): statistics, open-loop maths, goals, routing."""

from __future__ import annotations

import pytest

from bench.goals import NA, NOT_MET, DrainFigures, Measurement, RunFigures, evaluate, goals_line
from bench.loadgen import open_loop_latency_ms, schedule_offsets
from bench.run import count_oversells, parse_scale, resolve_paths, units_per_product
from bench.scenarios import BASELINE, SCENARIOS
from bench.stack import seed_arguments, supported_seed_options
from bench.stats import percentile, summarize
from webapp import create_app
from webapp.config import settings_for_tests


def test_percentile_is_nearest_rank_over_observed_values():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0, 3.0, 1000.0], 95) == 1000.0  # the tail is never smoothed away
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summary_counts_failed_requests_in_latency_but_not_in_throughput():
    summary = summarize([10.0, 20.0, 30.0, 5000.0], errors=1, elapsed_s=2.0)
    assert summary.requests == 4
    assert summary.rps == 1.5
    assert summary.p99_ms == 5000.0


def test_open_loop_schedule_is_evenly_spaced_and_independent_of_replies():
    offsets = schedule_offsets(rate=20, duration_s=2)
    assert len(offsets) == 40
    assert offsets[0] == 0
    assert offsets[1] == pytest.approx(0.05)
    assert offsets[-1] == pytest.approx(1.95)
    # A request due at t=1.0 that finished at t=1.3 waited 300 ms, even if it was only sent
    # at t=1.29 because the senders were stuck behind a stall.
    assert open_loop_latency_ms(due_at=1.0, finished_at=1.3) == pytest.approx(300)
    with pytest.raises(ValueError):
        schedule_offsets(rate=0, duration_s=1)


def _m(name, mode, p95, rps=100.0, errors=0, rate=None, ratio=None):
    summary = summarize([p95] * 20, errors, 1.0)
    summary = summary.__class__(**{**summary.__dict__, "rps": rps})
    return Measurement(name, mode, rate, summary, ratio, "fortunes" if ratio else None)


def test_goals_without_modules_count_only_what_ran():
    figures = RunFigures(measurements=[_m("health", "rate", 3.0, rate=20)])
    verdicts = evaluate(figures)
    assert [v.status for v in verdicts].count(NA) == len(verdicts) - 1
    assert goals_line(verdicts) == "goals: 1 met of 1"


def test_goals_are_checked_against_the_runs_own_figures():
    figures = RunFigures(
        measurements=[
            _m("checkout", "rate", 180.0, rate=20),  # p95 over 150 ms: not met
            _m("checkout", "max", 90.0, rps=45, ratio=0.45),
            _m("customer lookup by CPF", "rate", 8.0, rate=20),
            _m("order list", "max", 30.0, ratio=0.5),
            _m("order list", "half max", 20.0, rate=50),
            _m("dashboard", "rate", 120.0, rate=20),
        ],
        oversells=0,
        drain=DrainFigures(jobs=10_000, seconds=120.0, lost=None, doubled=None),
        customers=200_000,
    )
    verdicts = {v.goal: v for v in evaluate(figures)}
    assert verdicts["Checkout p95 < 150 ms at 20 checkouts/s"].status == NOT_MET
    assert "at 200,000 customers" in verdicts["Customer lookup by CPF p95 < 20 ms"].detail
    assert verdicts["Cashback jobs: none lost or doubled"].status == NA
    # order page and product search did not run: named as n/a, the goal judged on the rest
    assert "n/a: product search, order page" in (
        verdicts["List/detail pages p95 < 50 ms at half of max load"].detail
    )
    assert goals_line(list(verdicts.values())) == "goals: 7 met of 8"


def test_errors_or_oversells_fail_the_zero_errors_goal():
    figures = RunFigures(measurements=[_m("health", "rate", 3.0, errors=1)], oversells=0)
    assert goals_line(evaluate(figures)) == "goals: 0 met of 1"
    figures = RunFigures(measurements=[_m("checkout", "rate", 3.0, rate=20)], oversells=2)
    assert evaluate(figures)[-1].status == NOT_MET


def test_oversells_are_units_sold_beyond_what_left_the_stock():
    before = {1: 10, 2: 5}
    # 3 units ordered and 3 left the stock: fine
    assert count_oversells(before, {1: 7, 2: 5}, {1: 3}, {1: 3}) == 0
    # 3 units ordered but only 2 left the stock: one unit oversold
    assert count_oversells(before, {1: 8, 2: 5}, {1: 3}, {1: 3}) == 1
    # a product below zero
    assert count_oversells(before, {1: 10, 2: -1}, {2: 6}, {2: 6}) == 1
    # 4 units confirmed over HTTP, only 3 in order lines
    assert count_oversells(before, {1: 7, 2: 5}, {1: 3}, {1: 4}) == 1


def test_checkout_tags_count_units_per_product():
    assert units_per_product({"1,2": 3, "2": 1}) == {1: 3, 2: 4}


def test_seed_options_follow_what_seed_demo_offers():
    assert supported_seed_options("  --if-empty  Só popula") == set()
    help_text = "--if-empty\n  --customers INTEGER\n  --products INTEGER\n  --orders INTEGER"
    options = supported_seed_options(help_text)
    assert options == {"customers", "products", "orders"}
    args = seed_arguments(options, 200_000, 20_000, 1_000_000)
    assert args == ["--customers", "200000", "--products", "20000", "--orders", "416667"]
    args = seed_arguments({"order-lines"}, 1, 1, 1_000_000)
    assert args == ["--order-lines", "1000000"]


def test_scale_presets_and_custom_scale():
    assert parse_scale("default").order_lines == 1_000_000
    assert parse_scale("quick").customers < 10_000
    assert parse_scale("1000,100,5_000").order_lines == 5_000


def test_scenarios_without_a_route_are_not_available(app):
    paths = resolve_paths(app, [BASELINE, *SCENARIOS])
    assert paths["home page"] == "/"
    assert paths["sign in (API token)"] == "/api/v1/auth/token"
    assert paths[BASELINE.name] is None  # bench endpoints are off outside the harness
    if "sales.orders" not in app.view_functions:
        assert paths["order list"] is None


def test_baseline_page_exists_only_with_bench_endpoints(app, database_url, client, tenant):
    assert client.get("/bench/fortunes").status_code == 404
    bench_app = create_app({**settings_for_tests(database_url, None), "BENCH_ENDPOINTS": True})
    response = bench_app.test_client().get("/bench/fortunes")
    assert response.status_code == 200
    assert "Loja Teste" in response.text
    assert "acrescentada durante a requisição" in response.text


def test_a_later_run_keeps_the_hand_written_fixes_section():
    from bench.report import RunInfo, render

    info = RunInfo("2026-01-01", "abc1234", 2, 4, "quick", 2, 20, "demo")
    figures = RunFigures(measurements=[_m("health", "rate", 3.0, rate=20)])
    first = render(info, figures, evaluate(figures))
    edited = first.replace("(none noted yet", "Added an index on orders(tenant_id) (none noted yet")
    again = render(info, figures, evaluate(figures), previous=edited)
    assert "Added an index on orders(tenant_id)" in again
    assert again.rstrip().splitlines()[-1] == "goals: 1 met of 1"


def test_a_capacity_ratio_uses_the_baselines_measured_before_and_after_it():
    """The machine sped up during the page's window: the mean of the bracket, not the
    slower baseline before it, is what the page is compared with."""
    from argparse import Namespace

    from bench.loadgen import LoadResult
    from bench.run import Bench

    class ScriptedLoad:  # requests served in one second, run after run
        def __init__(self, served):
            self.served = iter(served)

        def run(self, _plan):
            return LoadResult([1.0] * next(self.served), 0, 1.0, {}, {})

    page = next(s for s in SCENARIOS if s.name == "order page")
    args = Namespace(duration=1.0, concurrency=8, scale=parse_scale("quick"))
    bench = Bench(args, None, "http://127.0.0.1:1", None, ScriptedLoad([400, 150, 600]), "")
    rps, _tags = bench._max(page, [])
    rows = [(m.scenario, m.summary.rps, m.ratio) for m in bench.figures.measurements]
    assert rps == 150
    assert rows == [
        (BASELINE.name, 400, None),
        ("order page", 150, pytest.approx(0.30)),
        (BASELINE.name, 600, None),
    ]


def test_the_customer_box_search_is_sent_as_htmx_sends_it(login_as):
    # The route is a piece of the checkout page: opened on its own (no HX-Request) it sends
    # the browser to the checkout, and a load of 302s would measure nothing.
    from bench.scenarios import build_requests

    class SignedIn:  # what build_requests asks of the harness's client for a session scenario
        session_cookie = "session=unused"

        @staticmethod
        def get_json(_path):
            return {"data": []}

    scenario = next(s for s in SCENARIOS if s.name == "customer search by name")
    scenario = scenario.__class__(
        **{**scenario.__dict__, "samples": lambda _c: [{"query": "q=ma"}]}
    )
    [spec] = build_requests(scenario, SignedIn(), scenario.path)
    client = login_as("admin")
    headers = {k: v for k, v in spec.headers.items() if k != "Cookie"}
    assert client.get(spec.path, headers=headers).status_code == 200
    assert client.get(spec.path).status_code == 302


def test_name_searches_draw_their_words_from_the_whole_list_not_its_first_page():
    # The API lists by name, so its first pages hold only the A's; a search's cost depends
    # on where its word sorts, and A-words alone made the product search look cheap.
    from urllib.parse import parse_qs, urlsplit

    from bench.scenarios import customer_name_samples, product_search_samples

    initials = ["Abacate", "Banana", "Cebola", "Detergente", "Limão", "Pilha", "Teclado", "Uva"]
    names = sorted(f"{word} {n:03d}" for word in initials for n in range(100))

    class ListedByName:  # what the samplers ask of the harness's client
        @staticmethod
        def total(_path):
            return len(names)

        @staticmethod
        def get_json(path):
            args = parse_qs(urlsplit(path).query)
            page, per_page = int(args["page"][0]), int(args["per_page"][0])
            return {"data": [{"name": n} for n in names[(page - 1) * per_page : page * per_page]]}

    for samples in (customer_name_samples, product_search_samples):
        words = {parse_qs(sample["query"])["q"][0] for sample in samples(ListedByName())}
        assert len(words) >= len(initials) // 2 and max(words) >= "Pilha", words
