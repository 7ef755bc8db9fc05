#!/usr/bin/env python3
"""Writes the conformance vectors of the basil, gsi and nav-kindergarten-list
kinds (conformance/vectors/<kind>/*.json). The expected answers are counted
here, by a separate reading of conformance/SPEC.md §§ 3.9-3.11, not by the Go
code: run `go test ./conformance/...` afterwards to check the library against
them. Usage: python3 scripts/report_vectors.py"""
import datetime as dt
import json
import os
from decimal import Decimal

ROOT = os.path.join(os.path.dirname(__file__), "..", "conformance", "vectors")
D = dt.date.fromisoformat

BASIL_BANDS = [("0-8", 0, 8), ("9-16", 9, 16), ("17-24", 17, 24), ("25-32", 25, 32), ("33-40", 33, 40), ("41+", 41, None)]
NAV_BANDS = [("1-8", 1, 8), ("9-16", 9, 16), ("17-24", 17, 24), ("25-32", 25, 32), ("33+", 33, None)]
SRC_BASIL = ["Udir: Årsmelding fra barnehagen (BASIL) – barnehager i drift 15. desember", "SSB KOSTRA: oppholdstid 0-8, 9-16, 17-24, 25-32, 33-40, 41+ timer (datakilde BASIL)", "conformance/SPEC.md 3.9 basil"]
SRC_GSI = ["Udir: GSI – situasjonen pr. 1. oktober hvert år", "conformance/SPEC.md 3.10 gsi"]
SRC_NAV = ["Forskrift om føring av register til bruk i forbindelse med kontroll av beregning og utbetaling av kontantstøtte (Udir), bokstav a–e", "NAV: satser for kontantstøtte etter tildelt oppholdstid", "conformance/SPEC.md 3.11 nav-kindergarten-list"]


def band(bands, h):
    for k, lo, hi in bands:
        if h >= lo and (hi is None or h <= hi):
            return k
    return ""


def active(p, day):
    return D(p["start"]) <= day and (p.get("end") is None or day <= D(p["end"]))


def plus_years(b, n):
    try:
        return b.replace(year=b.year + n)
    except ValueError:  # 29 February in a common year: 1 March
        return dt.date(b.year + n, 3, 1)


def basil(inp):
    y = inp["year"]
    day = dt.date(y, 12, 15)
    kinds = {u["id"]: u for u in inp["units"]}
    births = {c["id"]: D(c["birthDate"]) for c in inp["children"]}
    out = []
    for u in sorted(inp["units"], key=lambda u: u["id"]):
        if u["kind"] != "kindergarten" or (u.get("closingDate") and day > D(u["closingDate"])):
            continue
        kids = [p for p in inp["placements"] if p["unit"] == u["id"] and active(p, day)]
        by_age = {str(a): [] for a in range(7)}
        by_ah = {str(a): {b[0]: [] for b in BASIL_BANDS} for a in range(7)}
        for p in kids:
            a = str(min(max(y - births[p["child"]].year, 0), 6))
            by_age[a].append(p["child"])
            by_ah[a][band(BASIL_BANDS, p["hoursPerWeek"])].append(p["child"])
        ids = sorted(p["child"] for p in kids)

        def with_decision(kind):
            return sorted(c for c in ids if any(d["child"] == c and d["kind"] == kind and D(d["start"]) <= day and (d.get("end") is None or day <= D(d["end"])) for d in inp.get("decisions") or []))
        out.append({"unit": u["id"], "placesSmall": u.get("seatsSmall") or 0, "placesLarge": u.get("seatsLarge") or 0,
                    "children": ids, "byAge": {k: sorted(v) for k, v in by_age.items()},
                    "byAgeAndHours": {k: {b: sorted(v) for b, v in m.items()} for k, m in by_ah.items()},
                    "specialEducationHelp": with_decision("special-education-help"), "adaptation": with_decision("adaptation")})
    return {"day": day.isoformat(), "units": out}


def gsi(inp):
    sy = inp["schoolYear"]
    day = dt.date(sy, 10, 1)
    births = {c["id"]: D(c["birthDate"]) for c in inp["children"]}
    out = []
    for u in sorted(inp["units"], key=lambda u: u["id"]):
        if u["kind"] not in ("school", "sfo") or (u.get("closingDate") and day > D(u["closingDate"])):
            continue
        top = 10 if u["kind"] == "school" else 7
        pupils = [p for p in inp["placements"] if p["unit"] == u["id"] and active(p, day)]
        by_grade, by_hours, adapted, adapted_by_grade, hours = {}, {}, [], {}, Decimal(0)
        for p in pupils:
            g = sy - births[p["child"]].year - 5
            g = str(g) if 1 <= g <= top else "other"
            by_grade.setdefault(g, []).append(p["child"])
            if u["kind"] == "sfo":
                by_hours.setdefault("h%d" % p["hoursPerWeek"], []).append(p["child"])
                continue
            ds = [d for d in inp.get("decisions") or [] if d["child"] == p["child"] and d["kind"] == "individually-adapted-education" and D(d["start"]) <= day and (d.get("end") is None or day <= D(d["end"]))]
            if ds:
                adapted.append(p["child"])
                adapted_by_grade.setdefault(g, []).append(p["child"])
                hours += sum(Decimal(d.get("hoursPerWeek") or "0") for d in ds)
        o = {"unit": u["id"], "kind": u["kind"], "pupils": sorted(p["child"] for p in pupils),
             "byGrade": {k: sorted(v) for k, v in by_grade.items()}, "adaptedEducation": sorted(adapted)}
        if u["kind"] == "sfo":
            o["byHours"] = {k: sorted(v) for k, v in by_hours.items()}
        else:
            o["adaptedByGrade"] = {k: sorted(v) for k, v in adapted_by_grade.items()}
            o["adaptedHoursPerWeek"] = "%.2f" % hours
        out.append(o)
    return {"day": day.isoformat(), "units": out}


def nav(inp):
    y, m = map(int, inp["month"].split("-"))
    first = dt.date(y, m, 1)
    last = (dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
    kinds = {u["id"]: u["kind"] for u in inp["units"]}
    kids = {c["id"]: c for c in inp["children"]}
    chosen = {}
    for p in inp["placements"]:
        if kinds[p["unit"]] != "kindergarten":
            continue
        b = D(kids[p["child"]]["birthDate"])
        ws, we = max(first, plus_years(b, 1)), min(last, plus_years(b, 3) - dt.timedelta(days=1))
        ps, pe = D(p["start"]), D(p["end"]) if p.get("end") else None
        if we < ws or ps > we or (pe is not None and pe < ws):
            continue
        cur = chosen.get(p["child"])
        if cur is None:
            chosen[p["child"]] = (p, we)
            continue
        ina, inb = active(p, we), active(cur[0], we)
        if (ina and not inb) or (ina == inb and ps > D(cur[0]["start"])):
            chosen[p["child"]] = (p, we)
    entries = []
    for c in sorted(chosen):
        p = chosen[c][0]
        e = {"child": c, "unit": p["unit"], "hoursPerWeek": p["hoursPerWeek"], "band": band(NAV_BANDS, p["hoursPerWeek"]),
             "start": p["start"], "addressProtected": bool(kids[c].get("addressProtected"))}
        if p.get("end"):
            e["end"] = p["end"]
        entries.append(e)
    before = {}
    for e in inp.get("previous") or []:
        if e.get("end") is None or D(e["end"]) >= first:
            before[e["child"]] = e
    changes = []
    for e in entries:
        p = before.get(e["child"])
        if p is None:
            changes.append({"child": e["child"], "kind": "started", "to": e["start"]})
        else:
            if p["unit"] != e["unit"]:
                changes.append({"child": e["child"], "kind": "unit-changed", "from": p["unit"], "to": e["unit"]})
            if p["hoursPerWeek"] != e["hoursPerWeek"]:
                changes.append({"child": e["child"], "kind": "hours-changed", "from": str(p["hoursPerWeek"]), "to": str(e["hoursPerWeek"])})
        if e.get("end") and D(e["end"]) <= last:
            changes.append({"child": e["child"], "kind": "ended", "to": e["end"]})
    for c in before:
        if c not in chosen:
            changes.append({"child": c, "kind": "removed"})
    changes.sort(key=lambda x: (x["child"], x["kind"]))
    return {"entries": entries, "changes": changes}


def write(kind, name, title, source, inp, expect=None, error=None, note=None):
    v = {"format": "oppvekst-vector/1", "id": "%s/%s" % (kind, name), "kind": kind, "title": title, "source": source}
    if note:
        v["note"] = note
    v["input"] = inp
    if error:
        v["expectError"] = error
    else:
        v["expect"] = expect
    d = os.path.join(ROOT, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(v, f, ensure_ascii=False, indent=2)
        f.write("\n")


def P(child, unit, h, start, end=None):
    p = {"child": child, "unit": unit, "hoursPerWeek": h, "start": start}
    if end:
        p["end"] = end
    return p


def gen_basil():
    K = lambda i, s=0, l=0, closing=None: dict({"id": i, "kind": "kindergarten", "seatsSmall": s, "seatsLarge": l}, **({"closingDate": closing} if closing else {}))
    cases = []
    # one child per hours band and age
    ch = [{"id": "c%d" % i, "birthDate": "%d-0%d-1%d" % (2025 - i % 7, i % 9 + 1, i % 9)} for i in range(12)]
    hrs = [4, 8, 9, 16, 17, 24, 25, 32, 33, 40, 41, 45]
    cases.append(("bands-and-ages", "Twelve children, one at each edge of the six hours bands, ages 0 to 6", 2025,
                  [K("K1", 10, 20)], ch, [P(c["id"], "K1", h, "2025-08-01") for c, h in zip(ch, hrs)], []))
    cases.append(("age-is-year-less-birth-year", "Born 31 December 2022 and 1 January 2022: ages 3 and 3 in 2025 (year less birth year)", 2025,
                  [K("K1")], [{"id": "a", "birthDate": "2022-12-31"}, {"id": "b", "birthDate": "2022-01-01"}],
                  [P("a", "K1", 40, "2025-08-01"), P("b", "K1", 40, "2025-08-01")], []))
    cases.append(("age-over-six-counts-as-six", "A child of seven by birth year (school start postponed twice) counts under 6", 2025,
                  [K("K1")], [{"id": "a", "birthDate": "2018-03-01"}], [P("a", "K1", 45, "2024-08-01")], []))
    cases.append(("born-after-count-year-counts-as-zero", "Age is clamped to 0 for a child the year arithmetic puts below it", 2025,
                  [K("K1")], [{"id": "a", "birthDate": "2025-01-15"}], [P("a", "K1", 20, "2025-12-01")], []))
    cases.append(("placement-ends-on-count-day", "A placement whose last day is 15 December is counted; one ending 14 December is not", 2025,
                  [K("K1")], [{"id": "a", "birthDate": "2021-05-05"}, {"id": "b", "birthDate": "2021-05-05"}],
                  [P("a", "K1", 40, "2024-08-01", "2025-12-15"), P("b", "K1", 40, "2024-08-01", "2025-12-14")], []))
    cases.append(("placement-starts-after-count-day", "A placement starting 16 December is not counted; one starting 15 December is", 2025,
                  [K("K1")], [{"id": "a", "birthDate": "2023-05-05"}, {"id": "b", "birthDate": "2023-05-05"}],
                  [P("a", "K1", 40, "2025-12-16"), P("b", "K1", 40, "2025-12-15")], []))
    cases.append(("closed-unit-left-out", "A kindergarten closed before 15 December is not in the report; one closing that day is", 2025,
                  [K("K1", closing="2025-12-01"), K("K2", 3, 4, closing="2025-12-15")], [{"id": "a", "birthDate": "2022-02-02"}],
                  [P("a", "K1", 40, "2024-08-01", "2025-11-30"), P("a", "K2", 40, "2025-12-01")], []))
    cases.append(("schools-and-sfo-ignored", "Only kindergartens are in BASIL", 2025,
                  [K("K1"), {"id": "S1", "kind": "school"}, {"id": "F1", "kind": "sfo"}], [{"id": "a", "birthDate": "2018-02-02"}, {"id": "b", "birthDate": "2021-02-02"}],
                  [P("a", "S1", 0, "2024-08-15"), P("a", "F1", 20, "2024-08-15"), P("b", "K1", 30, "2024-08-15")], []))
    dec = lambda c, k, s, e=None, h="2.00": dict({"child": c, "kind": k, "start": s, "hoursPerWeek": h}, **({"end": e} if e else {}))
    cases.append(("special-education-help-in-force", "Children with a decision on special-education help in force on 15 December", 2025,
                  [K("K1")], [{"id": x, "birthDate": "2021-06-06"} for x in "abcd"],
                  [P(x, "K1", 40, "2024-08-01") for x in "abcd"],
                  [dec("a", "special-education-help", "2025-09-01"), dec("b", "special-education-help", "2025-01-01", "2025-12-14"),
                   dec("c", "special-education-help", "2025-12-16"), dec("d", "special-education-help", "2025-01-01", "2025-12-15")]))
    cases.append(("adaptation-separate-from-help", "Adaptation and special-education help are counted apart; a school decision is neither", 2025,
                  [K("K1")], [{"id": x, "birthDate": "2021-06-06"} for x in "abc"],
                  [P(x, "K1", 40, "2024-08-01") for x in "abc"],
                  [dec("a", "adaptation", "2025-09-01"), dec("b", "special-education-help", "2025-09-01"), dec("b", "adaptation", "2025-09-01"),
                   dec("c", "individually-adapted-education", "2025-09-01")]))
    cases.append(("decision-child-not-placed", "A decision for a child without a kindergarten place on the day counts nowhere", 2025,
                  [K("K1")], [{"id": "a", "birthDate": "2021-06-06"}, {"id": "b", "birthDate": "2021-06-06"}],
                  [P("a", "K1", 40, "2024-08-01")], [dec("b", "special-education-help", "2025-09-01")]))
    cases.append(("two-units-places", "Two kindergartens with their seats; units sorted by id", 2025,
                  [K("K2", 9, 18), K("K1", 12, 24)], [{"id": "a", "birthDate": "2024-01-06"}, {"id": "b", "birthDate": "2020-06-06"}],
                  [P("a", "K2", 20, "2025-08-01"), P("b", "K1", 41, "2024-08-01")], []))
    cases.append(("empty-municipality", "No kindergartens: no units", 2025, [], [], [], []))
    cases.append(("moved-during-autumn", "A child who moved on 1 November is counted only at the new kindergarten", 2024,
                  [K("K1"), K("K2")], [{"id": "a", "birthDate": "2020-06-06"}],
                  [P("a", "K1", 20, "2023-08-01", "2024-10-31"), P("a", "K2", 37, "2024-11-01")], []))
    for name, title, y, units, children, placements, decisions in cases:
        inp = {"year": y, "units": units, "children": children, "placements": placements, "decisions": decisions}
        write("basil", name, title, SRC_BASIL, inp, basil(inp))
    base = {"year": 2025, "units": [K("K1")], "children": [{"id": "a", "birthDate": "2021-06-06"}], "decisions": []}
    write("basil", "invalid-unknown-child", "A placement naming a child not in the input: invalid-input", SRC_BASIL,
          dict(base, placements=[P("x", "K1", 40, "2024-08-01")]), error={"code": "invalid-input", "field": "placements[0].child"})
    write("basil", "invalid-date", "An impossible birth date: invalid-input", SRC_BASIL,
          dict(base, children=[{"id": "a", "birthDate": "2021-02-29"}], placements=[]), error={"code": "invalid-input", "field": "children[0].birthDate"})
    write("basil", "invalid-end-before-start", "A placement ending before it starts: invalid-input", SRC_BASIL,
          dict(base, placements=[P("a", "K1", 40, "2025-08-01", "2025-07-31")]), error={"code": "invalid-input", "field": "placements[0].end"})


def gen_gsi():
    S = lambda i, closing=None: dict({"id": i, "kind": "school"}, **({"closingDate": closing} if closing else {}))
    F = lambda i: {"id": i, "kind": "sfo"}
    dec = lambda c, s, h, e=None, k="individually-adapted-education": dict({"child": c, "kind": k, "start": s, "hoursPerWeek": h}, **({"end": e} if e else {}))
    cases = []
    ch = [{"id": "p%02d" % g, "birthDate": "%d-0%d-15" % (2025 - g - 5, g % 9 + 1)} for g in range(1, 11)]
    cases.append(("grades-1-to-10", "One pupil in each grade 1-10 by birth year (grade = school year − birth year − 5)", 2025,
                  [S("S1")], ch, [P(c["id"], "S1", 0, "2025-08-15") for c in ch], []))
    cases.append(("turns-six-on-31-december", "Born 31 December 2019: grade 1 in 2025/26; born 1 January 2020: not yet (other)", 2025,
                  [S("S1")], [{"id": "a", "birthDate": "2019-12-31"}, {"id": "b", "birthDate": "2020-01-01"}],
                  [P("a", "S1", 0, "2025-08-15"), P("b", "S1", 0, "2025-08-15")], []))
    cases.append(("counted-on-1-october", "Placements ending 30 September or starting 2 October are not counted", 2025,
                  [S("S1")], [{"id": x, "birthDate": "2016-05-05"} for x in "abcd"],
                  [P("a", "S1", 0, "2025-08-15", "2025-09-30"), P("b", "S1", 0, "2025-10-02"), P("c", "S1", 0, "2025-10-01"), P("d", "S1", 0, "2025-08-15", "2025-10-01")], []))
    cases.append(("sfo-exact-hours", "SFO pupils by exact agreed weekly hours (no bands in the built-in rules)", 2025,
                  [S("S1"), F("F1")], [{"id": x, "birthDate": "2018-05-05"} for x in "abcd"],
                  [P("a", "F1", 12, "2025-08-15"), P("b", "F1", 12, "2025-08-15"), P("c", "F1", 20, "2025-08-15"), P("d", "F1", 5, "2025-08-15")], []))
    cases.append(("sfo-grades-to-7", "SFO grades run 1-7; a pupil of grade 8 by birth year counts as other", 2025,
                  [F("F1")], [{"id": "a", "birthDate": "2013-01-01"}, {"id": "b", "birthDate": "2012-01-01"}],
                  [P("a", "F1", 10, "2025-08-15"), P("b", "F1", 10, "2025-08-15")], []))
    cases.append(("adapted-education-hours", "Pupils with individually adapted education in force, by grade, with the sum of their hours", 2025,
                  [S("S1")], [{"id": x, "birthDate": b} for x, b in [("a", "2016-03-03"), ("b", "2016-04-04"), ("c", "2012-04-04")]],
                  [P(x, "S1", 0, "2024-08-15") for x in "abc"],
                  [dec("a", "2025-08-15", "3.5"), dec("b", "2025-08-15", "2"), dec("c", "2024-08-15", "7.25")]))
    cases.append(("adapted-education-two-decisions", "Two decisions in force for one pupil: counted once, hours summed", 2025,
                  [S("S1")], [{"id": "a", "birthDate": "2016-03-03"}], [P("a", "S1", 0, "2024-08-15")],
                  [dec("a", "2025-08-15", "3"), dec("a", "2025-09-01", "1.5")]))
    cases.append(("adapted-education-not-in-force", "Decisions that ended 30 September or start 2 October do not count", 2025,
                  [S("S1")], [{"id": "a", "birthDate": "2016-03-03"}, {"id": "b", "birthDate": "2016-03-03"}],
                  [P("a", "S1", 0, "2024-08-15"), P("b", "S1", 0, "2024-08-15")],
                  [dec("a", "2025-01-01", "3", "2025-09-30"), dec("b", "2025-10-02", "3")]))
    cases.append(("kindergarten-decision-ignored", "A decision on special-education help (kindergarten) is not individually adapted education", 2025,
                  [S("S1")], [{"id": "a", "birthDate": "2019-03-03"}], [P("a", "S1", 0, "2025-08-15")],
                  [dec("a", "2025-08-15", "4", k="special-education-help")]))
    cases.append(("sfo-pupil-decision-not-counted-at-sfo", "Adapted education is counted at the school, not at the SFO", 2025,
                  [S("S1"), F("F1")], [{"id": "a", "birthDate": "2018-03-03"}], [P("a", "S1", 0, "2024-08-15"), P("a", "F1", 15, "2024-08-15")],
                  [dec("a", "2025-08-15", "2")]))
    cases.append(("closed-school", "A school closed before 1 October is left out", 2025,
                  [S("S1", "2025-07-31"), S("S2")], [{"id": "a", "birthDate": "2015-03-03"}], [P("a", "S2", 0, "2025-08-15")], []))
    cases.append(("kindergartens-ignored", "Kindergartens are not in GSI", 2025,
                  [{"id": "K1", "kind": "kindergarten"}, S("S1")], [{"id": "a", "birthDate": "2021-03-03"}], [P("a", "K1", 40, "2024-08-15")], []))
    cases.append(("two-schools-sorted", "Units sorted by id; each pupil only at its school", 2024,
                  [S("S2"), S("S1"), F("F9")], [{"id": "a", "birthDate": "2011-03-03"}, {"id": "b", "birthDate": "2017-03-03"}],
                  [P("a", "S2", 0, "2023-08-15"), P("b", "S1", 0, "2023-08-15"), P("b", "F9", 25, "2024-08-15")], []))
    for name, title, y, units, children, placements, decisions in cases:
        inp = {"schoolYear": y, "units": units, "children": children, "placements": placements, "decisions": decisions}
        write("gsi", name, title, SRC_GSI, inp, gsi(inp))
    base = {"schoolYear": 2025, "units": [S("S1")], "children": [{"id": "a", "birthDate": "2016-06-06"}], "placements": [], "decisions": []}
    write("gsi", "invalid-unit-kind", "A unit of an unknown kind: invalid-input", SRC_GSI,
          dict(base, units=[{"id": "S1", "kind": "college"}]), error={"code": "invalid-input", "field": "units[0].kind"})
    write("gsi", "invalid-decision-kind", "A decision of an unknown kind: invalid-input", SRC_GSI,
          dict(base, decisions=[{"child": "a", "kind": "extra", "start": "2025-08-15"}]), error={"code": "invalid-input", "field": "decisions[0].kind"})
    write("gsi", "invalid-missing-year", "No school year: invalid-input", SRC_GSI,
          {k: v for k, v in base.items() if k != "schoolYear"}, error={"code": "invalid-input", "field": "schoolYear"})


def gen_nav():
    K = lambda i: {"id": i, "kind": "kindergarten"}
    cases = []
    cases.append(("first-list", "The first list: every child aged 1-2 with a place, each started", "2025-03", None,
                  [K("K1")], [{"id": "a", "birthDate": "2023-06-06"}, {"id": "b", "birthDate": "2024-01-10"}, {"id": "c", "birthDate": "2020-01-10"}],
                  [P("a", "K1", 40, "2024-08-01"), P("b", "K1", 16, "2025-01-15"), P("c", "K1", 45, "2021-08-01")]))
    cases.append(("hours-bands", "The kontantstøtte bands at their edges", "2025-03", None,
                  [K("K1")], [{"id": "c%d" % h, "birthDate": "2023-06-06"} for h in (1, 8, 9, 16, 17, 24, 25, 32, 33, 60)],
                  [P("c%d" % h, "K1", h, "2024-08-01") for h in (1, 8, 9, 16, 17, 24, 25, 32, 33, 60)]))
    cases.append(("turns-one-in-month", "A child turning one on 31 March is on the March list; one turning one 1 April is not", "2025-03", None,
                  [K("K1")], [{"id": "a", "birthDate": "2024-03-31"}, {"id": "b", "birthDate": "2024-04-01"}],
                  [P("a", "K1", 40, "2025-03-01"), P("b", "K1", 40, "2025-03-01")]))
    cases.append(("turns-three-in-month", "A child turning three on 2 March is listed in March; one turning three on 1 March is not", "2025-03", None,
                  [K("K1")], [{"id": "a", "birthDate": "2022-03-02"}, {"id": "b", "birthDate": "2022-03-01"}],
                  [P("a", "K1", 40, "2024-08-01"), P("b", "K1", 40, "2024-08-01")]))
    cases.append(("leap-day-birth", "Born 29 February 2024: one on 1 March 2025, so on the March list but not the February list", "2025-02", None,
                  [K("K1")], [{"id": "a", "birthDate": "2024-02-29"}], [P("a", "K1", 40, "2025-02-01")]))
    cases.append(("leap-day-birth-march", "Born 29 February 2024: on the March 2025 list", "2025-03", None,
                  [K("K1")], [{"id": "a", "birthDate": "2024-02-29"}], [P("a", "K1", 40, "2025-02-01")]))
    prev = [{"child": "a", "unit": "K1", "hoursPerWeek": 20, "start": "2024-08-01"}, {"child": "b", "unit": "K1", "hoursPerWeek": 40, "start": "2024-08-01"}]
    cases.append(("hours-changed", "Hours raised from 20 to 40 on 10 March: the placement in force at the month's end, hours-changed", "2025-03", prev,
                  [K("K1")], [{"id": "a", "birthDate": "2023-06-06"}, {"id": "b", "birthDate": "2023-06-06"}],
                  [P("a", "K1", 20, "2024-08-01", "2025-03-09"), P("a", "K1", 40, "2025-03-10"), P("b", "K1", 40, "2024-08-01")]))
    cases.append(("unit-changed", "Moved to another kindergarten with the same hours: unit-changed", "2025-03", prev,
                  [K("K1"), K("K2")], [{"id": "a", "birthDate": "2023-06-06"}, {"id": "b", "birthDate": "2023-06-06"}],
                  [P("a", "K1", 20, "2024-08-01", "2025-03-09"), P("a", "K2", 20, "2025-03-10"), P("b", "K1", 40, "2024-08-01")]))
    cases.append(("ended-in-month", "A place ending 20 March: listed, with ended", "2025-03", prev,
                  [K("K1")], [{"id": "a", "birthDate": "2023-06-06"}, {"id": "b", "birthDate": "2023-06-06"}],
                  [P("a", "K1", 20, "2024-08-01", "2025-03-20"), P("b", "K1", 40, "2024-08-01")]))
    prev_ended = [{"child": "a", "unit": "K1", "hoursPerWeek": 20, "start": "2024-08-01", "end": "2025-02-20"}]
    cases.append(("ended-last-month-not-repeated", "A place that ended in February is neither listed nor removed again in March", "2025-03", prev_ended,
                  [K("K1")], [{"id": "a", "birthDate": "2023-06-06"}], [P("a", "K1", 20, "2024-08-01", "2025-02-20")]))
    cases.append(("aged-out-removed", "A child that turned three in February is removed from the March list", "2025-03",
                  [{"child": "a", "unit": "K1", "hoursPerWeek": 45, "start": "2023-08-01"}],
                  [K("K1")], [{"id": "a", "birthDate": "2022-02-15"}], [P("a", "K1", 45, "2023-08-01")]))
    cases.append(("address-protected", "A child with a protected address is listed and flagged", "2025-03", None,
                  [K("K1")], [{"id": "a", "birthDate": "2023-06-06", "addressProtected": True}], [P("a", "K1", 30, "2024-08-01")]))
    cases.append(("sfo-and-school-ignored", "Only kindergarten places are on the list", "2025-03", None,
                  [K("K1"), {"id": "F1", "kind": "sfo"}], [{"id": "a", "birthDate": "2023-06-06"}, {"id": "b", "birthDate": "2023-06-06"}],
                  [P("a", "F1", 10, "2024-08-01"), P("b", "K1", 10, "2024-08-01")]))
    cases.append(("starts-next-month", "A place starting 1 April is not on the March list", "2025-03", None,
                  [K("K1")], [{"id": "a", "birthDate": "2023-06-06"}], [P("a", "K1", 40, "2025-04-01")]))
    cases.append(("december-list", "The December list reaches 31 December", "2025-12", None,
                  [K("K1")], [{"id": "a", "birthDate": "2024-12-31"}], [P("a", "K1", 40, "2025-12-01")]))
    for name, title, month, previous, units, children, placements in cases:
        inp = {"month": month, "units": units, "children": children, "placements": placements}
        if previous is not None:
            inp["previous"] = previous
        write("nav-kindergarten-list", name, title, SRC_NAV, inp, nav(inp))
    base = {"month": "2025-03", "units": [K("K1")], "children": [{"id": "a", "birthDate": "2023-06-06"}], "placements": []}
    write("nav-kindergarten-list", "invalid-month", "An impossible month: invalid-input", SRC_NAV,
          dict(base, month="2025-13"), error={"code": "invalid-input", "field": "month"})
    write("nav-kindergarten-list", "invalid-previous-unit", "A previous entry naming an unknown unit: invalid-input", SRC_NAV,
          dict(base, previous=[{"child": "a", "unit": "K9", "hoursPerWeek": 20, "start": "2024-08-01"}]), error={"code": "invalid-input", "field": "previous[0].unit"})
    write("nav-kindergarten-list", "invalid-hours", "Hours over 60: invalid-input", SRC_NAV,
          dict(base, placements=[P("a", "K1", 61, "2024-08-01")]), error={"code": "invalid-input", "field": "placements[0].hoursPerWeek"})


if __name__ == "__main__":
    gen_basil()
    gen_gsi()
    gen_nav()
