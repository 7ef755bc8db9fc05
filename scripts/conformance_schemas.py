#!/usr/bin/env python3
"""Writes conformance/schemas/<kind>.json: the JSON Schema (draft 2020-12) of
each kind's input, answer and error codes, from the shapes in
conformance/SPEC.md section 3. Run from the repository root after changing a
kind; conformance/schemas_test.go validates every vector against the files."""
import json, os
OUT=os.path.join(os.path.dirname(os.path.abspath(__file__)),"..","conformance","schemas")
DATE={"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$","description":"YYYY-MM-DD, a day that exists (SPEC 2, D4)"}
MONTH={"type":"string","pattern":"^[0-9]{4}-(0[1-9]|1[0-2])$","description":"YYYY-MM"}
DEC={"type":"string","pattern":"^-?[0-9]+(\\.[0-9]+)?$","description":"a plain decimal as a JSON string, never a number (D3)"}
MONEY={"type":"string","pattern":"^-?[0-9]+\\.[0-9]{2}$","description":"money with exactly two decimals"}
def N(s):  # optional: null means absent (D1)
    if "type" in s and isinstance(s["type"],str) and set(s)-{"type","description","pattern","enum","minimum","maximum","minLength"}==set():
        t=dict(s); t["type"]=[s["type"],"null"]
        if "enum" in t: t["enum"]=t["enum"]+[None]
        return t
    return {"anyOf":[s,{"type":"null"}]}
def obj(props, required=(), extra=False):
    o={"type":"object","properties":props,"additionalProperties":extra}
    if required: o["required"]=list(required)
    return o
def arr(items, **kw):
    a={"type":"array","items":items}; a.update(kw); return a
S={"type":"string"}; B={"type":"boolean"}; I={"type":"integer"}
IDS=arr(S)
def err(codes):
    return obj({"code":{"enum":codes},"field":{"type":"string"},"message":{"type":"string"}},["code"])
def write(kind, title, inp, ans, codes=("invalid-input",), desc=None):
    sch={"$schema":"https://json-schema.org/draft/2020-12/schema",
         "$id":f"https://oppvekst.no/conformance/schemas/{kind}.json",
         "title":f"{kind}: {title}",
         "description":(desc or "")+("" if not desc else " ")+"Served at GET /conformance/v1/schemas/"+kind+".json by the harness. $defs.input is a valid input (an input that fails it must be refused with invalid-input; one that passes may still be refused for a rule the schema cannot state, see SPEC.md); $defs.answer is an answer (a vector's expect may leave fields out, SPEC 4, so only always-present fields are required; null in expect stands for an absent field); $defs.error is a refusal with this kind's error codes.",
         "$defs":{"input":inp,"answer":ans,"error":err(list(codes))},
         "$ref":"#/$defs/input"}
    open(os.path.join(OUT,kind+".json"),"w").write(json.dumps(sch,ensure_ascii=False,indent=2)+"\n")

# national-id
write("national-id","a Norwegian national identity number, by the 1964 computation or by the 1964 and the 2032 computations side by side (SPEC 3.1)",
  obj({"value":S,"reading":N({"type":"string","enum":["1964","2032"]})},["value"]),
  obj({"valid":B,"type":N({"type":"string","enum":["fnr","dnr","hnr"]}),"birthDate":N(DATE),"synthetic":N(B),
       "rule":N({"type":"string","enum":["1964","2032"]}),
       "birthMonthDay":N({"type":"string","pattern":"^--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}),
       "birthYearDigits":N({"type":"string","pattern":"^[0-9]{2}$"})},["valid"]))
# kid
write("kid","Norwegian payment reference, mod10 or mod11 (SPEC 3.2)",
  obj({"base":N(S),"validate":N(S),"method":{"type":"string","enum":["mod10","mod11"]}},["method"]),
  obj({"kid":{"type":"string","pattern":"^[0-9]{1,24}[0-9-]$"},"valid":B}))
# right-to-place
write("right-to-place","the statutory right to a kindergarten place (SPEC 3.3)",
  obj({"birthDate":DATE,"applicationYear":{"type":"integer","minimum":1,"maximum":9999},"appliedByDeadline":B,"residentInMunicipality":B},
      ["birthDate","applicationYear","appliedByDeadline","residentInMunicipality"]),
  obj({"hasRight":B,"fromMonth":N(MONTH),"reason":N({"type":"string","enum":["not-resident","school-age","too-young","late-application"]})},["hasRight"]))
# fees
feeAnswer=obj({"children":arr(obj({"id":S,"fee":MONEY,"food":MONEY,"rules":N(arr({"type":"string","enum":["income-cap","free-core-hours","free-hours","sibling","special-needs"]}))},["id","fee","food"])),"total":MONEY},["children","total"])
household=N(obj({"annualIncome":N(DEC)}))
common={"month":MONTH,"zone":{"type":"string","enum":["ordinary","reduced","free"]},"household":household}
kgRules=obj({"maxPrice":DEC,"siblingDiscounts":arr(DEC,minItems=1),"incomeCapShare":DEC,"billedMonthsPerYear":{"type":"integer","minimum":1,"maximum":12},
  "feeFreeMonths":arr({"type":"integer","minimum":1,"maximum":12}),"freeCoreHours":{"type":"integer","minimum":0,"maximum":60},"freeCoreIncomeThreshold":N(DEC)},
  ["maxPrice","siblingDiscounts","incomeCapShare","billedMonthsPerYear","feeFreeMonths","freeCoreHours"])
order=N({"type":"string","enum":["price-desc","age-desc","age-asc"]}); rounding=N({"type":"string","enum":["ore","krone"]})
write("kindergarten-fee","one household's kindergarten fees for one month (SPEC 3.4)",
  obj(dict(common, rules=N(kgRules), local=obj({"fullTimePrice":DEC,"brackets":arr(obj({"minHours":{"type":"integer","minimum":0,"maximum":60},"share":DEC,"food":DEC},["minHours","share","food"]),minItems=1),"siblingOrder":order,"rounding":rounding},["fullTimePrice","brackets"]),
      children=arr(obj({"id":{"type":"string","minLength":1},"birthDate":DATE,"hoursPerWeek":{"type":"integer","minimum":1,"maximum":60}},["id","birthDate","hoursPerWeek"]),minItems=1)),
      ["month","zone","local","children"]),
  feeAnswer, ("invalid-input","unknown-rules"))
grades={"type":"integer","minimum":1,"maximum":7}
sfoRules=obj({"freeHours":{"type":"integer","minimum":0,"maximum":60},"freeHoursGrades":arr(grades),"incomeCapShare":DEC,"incomeCapGrades":arr(grades),"specialNeedsFreeGrades":arr(grades),
  "billedMonthsPerYear":{"type":"integer","minimum":1,"maximum":12},"feeFreeMonths":arr({"type":"integer","minimum":1,"maximum":12})},
  ["freeHours","freeHoursGrades","incomeCapShare","incomeCapGrades","specialNeedsFreeGrades","billedMonthsPerYear","feeFreeMonths"])
write("sfo-fee","one household's SFO fees for one month (SPEC 3.5)",
  obj(dict(common, zone=N({"type":"string","enum":["ordinary","reduced","free"]}), rules=N(sfoRules), local=obj({"brackets":arr(obj({"minHours":{"type":"integer","minimum":0,"maximum":60},"price":DEC,"food":DEC},["minHours","price","food"]),minItems=1),"siblingDiscounts":N(arr(DEC,minItems=1)),"siblingOrder":order,"rounding":rounding},["brackets"]),
      children=arr(obj({"id":{"type":"string","minLength":1},"birthDate":N(DATE),"grade":grades,"hoursPerWeek":{"type":"integer","minimum":1,"maximum":60},"specialNeeds":N(B)},["id","grade","hoursPerWeek"]),minItems=1)),
      ["month","local","children"]),
  feeAnswer, ("invalid-input","unknown-rules"))
# allocation
cap=obj({"small":{"type":"integer","minimum":0},"large":{"type":"integer","minimum":0}},["small","large"])
write("allocation","one main admission round, child-proposing deferred acceptance (SPEC 3.6)",
  obj({"admissionYear":{"type":"integer","minimum":1,"maximum":9999},"units":arr(obj({"id":{"type":"string","minLength":1},"capacity":cap},["id","capacity"])),
       "criteria":N(arr({"type":"string","pattern":"^(statutory|sibling|tiebreak|local:.+)$"},maxItems=32)),
       "children":arr(obj({"id":{"type":"string","minLength":1},"birthDate":DATE,"preferences":arr(S),"statutoryPriority":N(B),"siblingAt":N(arr(S)),
          "local":N({"type":"object","additionalProperties":B}),"tiebreak":I},["id","birthDate","preferences","tiebreak"]))},
     ["admissionYear","units","children"]),
  obj({"assignments":{"type":"object","additionalProperties":{"type":["string","null"]}},
       "stats":obj({"children":I,"placed":I,"unplaced":I,"firstChoice":I,"rankDistribution":arr(I),"justifiedEnvy":I,"statutoryPlaced":I,"statutory":I,"unusedSeats":cap,
                    "families":N({"type":"object"})}),
       "explanations":{"type":"object","additionalProperties":{"type":"object","properties":{"group":{"enum":["small","large"]},"unit":{"type":["string","null"]},"rank":I,"above":arr({"type":"object"})}}}},["assignments"]))
# recipients
level={"type":"string","enum":["none","fortrolig","strengt-fortrolig","strengt-fortrolig-utland"]}
write("recipients","who receives a message about a child (SPEC 3.7)",
  obj({"audience":{"type":"string","enum":["child","group"]},"child":obj({"addressProtection":N(level)}),
       "guardians":arr(obj({"id":{"type":"string","minLength":1},"parentalResponsibility":N(B),"informationRequested":N(B),"informationDenied":N(B),"addressProtection":N(level)},["id"]))},
      ["audience","child","guardians"]),
  obj({"recipients":arr(obj({"id":S,"channel":{"enum":["any","protected"]},"hideWhereabouts":B},["id","channel"])),"revealChildAddress":B},["recipients","revealChildAddress"]))
# special-education-deadline
write("special-education-deadline","the last day of a step of a special-education case (SPEC 3.8)",
  obj({"setting":{"type":"string","enum":["kindergarten","school"]},"step":{"type":"string","minLength":1},"from":DATE},["setting","step","from"]),
  obj({"hasDeadline":B,"due":N(DATE),"basis":N({"type":"string","enum":["legal","municipal"]})},["hasDeadline"]))
# reports
unitIn=obj({"id":{"type":"string","minLength":1},"kind":{"type":"string","enum":["kindergarten","school","sfo"]},"seatsSmall":N({"type":"integer","minimum":0,"maximum":10000}),"seatsLarge":N({"type":"integer","minimum":0,"maximum":10000}),"closingDate":N(DATE)},["id","kind"])
childIn=obj({"id":{"type":"string","minLength":1},"birthDate":DATE,"addressProtected":N(B)},["id","birthDate"])
placeIn=obj({"child":S,"unit":S,"hoursPerWeek":{"type":"integer","minimum":0,"maximum":60},"start":DATE,"end":N(DATE)},["child","unit","hoursPerWeek","start"])
decIn=obj({"child":S,"kind":{"type":"string","enum":["special-education-help","adaptation","individually-adapted-education"]},"start":DATE,"end":N(DATE),"hoursPerWeek":N(DEC)},["child","kind","start"])
rows={"units":arr(unitIn),"children":arr(childIn),"placements":arr(placeIn),"decisions":N(arr(decIn))}
setmap={"type":"object","additionalProperties":IDS}
write("basil","the kindergartens' annual report, BASIL, on 15 December (SPEC 3.9)",
  obj(dict(rows, year={"type":"integer","minimum":1,"maximum":9999}),["year","units","children","placements"]),
  obj({"day":DATE,"units":arr(obj({"unit":S,"placesSmall":I,"placesLarge":I,"children":IDS,"byAge":setmap,"byAgeAndHours":{"type":"object","additionalProperties":setmap},"specialEducationHelp":IDS,"adaptation":IDS},["unit"]))},["day","units"]))
write("gsi","the schools' annual report, GSI, on 1 October (SPEC 3.10)",
  obj(dict(rows, schoolYear={"type":"integer","minimum":1,"maximum":9999}),["schoolYear","units","children","placements"]),
  obj({"day":DATE,"units":arr(obj({"unit":S,"kind":{"enum":["school","sfo"]},"pupils":IDS,"byGrade":setmap,"byHours":N(setmap),"adaptedEducation":N(IDS),"adaptedByGrade":N(setmap),"adaptedHoursPerWeek":N(MONEY)},["unit","kind"]))},["day","units"]))
navIn=obj({"child":S,"unit":S,"hoursPerWeek":{"type":"integer","minimum":0,"maximum":60},"start":DATE,"end":N(DATE)},["child","unit","hoursPerWeek","start"])
write("nav-kindergarten-list","the monthly list of children with a kindergarten place for NAV (SPEC 3.11)",
  obj(dict(rows, month=MONTH, previous=N(arr(navIn))),["month","units","children","placements"]),
  obj({"entries":arr(obj({"child":S,"unit":S,"hoursPerWeek":I,"band":{"enum":["","1-8","9-16","17-24","25-32","33+"]},"start":DATE,"end":N(DATE),"addressProtected":B},["child","unit"])),
       "changes":arr(obj({"child":S,"kind":{"enum":["started","unit-changed","hours-changed","ended","removed"]},"from":N(S),"to":N(S)},["child","kind"]))},["entries","changes"]))
# invoice-line
write("invoice-line","one child's invoice line for one kind of place and one month: part months by calendar days, fee-free months, correction of a past month (SPEC 3.12)",
  obj({"month":MONTH,"fee":DEC,"food":DEC,"feeFreeMonths":arr({"type":"integer","minimum":1,"maximum":12}),
       "placements":arr(obj({"start":DATE,"end":N(DATE)},["start"])),"billed":N(obj({"fee":DEC,"food":DEC},["fee","food"]))},
      ["month","fee","food","feeFreeMonths","placements"]),
  obj({"days":{"type":"integer","minimum":0,"maximum":31},"daysInMonth":{"type":"integer","minimum":28,"maximum":31},"fee":MONEY,"food":MONEY,"total":MONEY,
       "correction":N(obj({"fee":MONEY,"food":MONEY,"total":MONEY},["fee","food","total"]))},["days","daysInMonth","fee","food","total"]))
# staffing-norm
write("staffing-norm","a kindergarten at one instant against the staffing norm (SPEC 3.13)",
  obj({"day":DATE,"children":arr(obj({"id":{"type":"string","minLength":1},"birthDate":DATE},["id","birthDate"])),"onDuty":{"type":"integer","minimum":0,"maximum":10000}},["day","children","onDuty"]),
  obj({"small":I,"large":I,"needed":I,"onDuty":I,"meets":B,"childrenPerAdultUnderThree":I,"childrenPerAdultOverThree":I},["small","large","needed","onDuty","meets"]))
# school-absence-summary
KINDS=["documented","permission","undocumented"]
write("school-absence-summary","a pupil's school absence in one school year of the certificate grades: days, hours, the days left out and what goes on the leaving certificate (SPEC 3.14)",
  obj({"schoolYear":{"type":"integer","minimum":1,"maximum":9998},"grade":{"type":"integer","minimum":1,"maximum":13},
       "rule":obj({"excludableDays":{"type":"integer","minimum":0,"maximum":366},"excludable":arr({"enum":KINDS},uniqueItems=True),
                   "certificateFrom":{"type":"integer","minimum":1,"maximum":13},"certificateTo":{"type":"integer","minimum":1,"maximum":13}},
                  ["excludableDays","excludable","certificateFrom","certificateTo"]),
       "absences":arr(obj({"day":DATE,"hours":N({"type":"integer","minimum":0,"maximum":12}),"kind":{"type":"string","enum":KINDS},
                           "reason":N({"type":"string","maxLength":200})},["day","kind"]))},
      ["schoolYear","grade","rule","absences"]),
  obj({"schoolYear":I,"grade":I,"days":{"type":"integer","minimum":0},"hours":{"type":"integer","minimum":0},"leftOutDays":arr(DATE),
       "certificateDays":{"type":"integer","minimum":0},"certificateHours":{"type":"integer","minimum":0}},
      ["schoolYear","grade","days","hours","leftOutDays","certificateDays","certificateHours"]))
# rule-table
RATE={"type":"string","pattern":"^[0-9]+\\.[0-9]{2,}$","description":"a rate with at least two decimals"}
GR=arr({"type":"integer","minimum":1,"maximum":7})
write("rule-table","the national rule table in force on a date for a zone: the built-in table or a table file in the published format laid over it; a malformed file answers its problems (SPEC 3.15, 5.4)",
  obj({"kind":{"type":"string","enum":["kindergarten","sfo"]},"table":{"description":"a table file of SPEC 5.4 as a JSON value, or null for the built-in table; its own rules are checked by the kind, which answers their problems"},
       "date":DATE,"zone":N({"type":"string","enum":["ordinary","reduced","free"]})},["kind","date"]),
  obj({"accepted":B,"problems":N(arr(obj({"path":S,"reason":{"enum":["table-syntax","table-type","table-unknown","table-amount","table-rate","table-months","table-range","table-required","table-repeated","table-no-rows","table-zone","table-grades","table-text","table-first-day"]}},["path","reason"]))),
       "validFrom":N(DATE),"source":N(S),"provisional":N(B),"incomeCapShare":N(RATE),"billedMonthsPerYear":N(I),"feeFreeMonths":N(arr({"type":"integer","minimum":1,"maximum":12})),
       "maxPrice":N(MONEY),"freeZone":N(B),"siblingDiscounts":N(arr(obj({"child":{"type":"integer","minimum":1},"rate":RATE},["child","rate"]))),
       "freeCoreHours":N(I),"freeCoreIncomeThreshold":N(MONEY),"fullTimeHours":N(I),"freeCoreFromAge":N(I),"freeCoreUntilAge":N(I),"yearStartMonth":N({"type":"integer","minimum":1,"maximum":12}),
       "freeHours":N(I),"freeHoursGrades":N(GR),"incomeCapGrades":N(GR),"specialNeedsFreeGrades":N(GR)},["accepted"]),
  codes=("invalid-input","unknown-rules"))
print("ok")
