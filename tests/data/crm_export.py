#!/usr/bin/env python3
"""crm_export.py -- the sample accounts as a CRM would export them.

    crm_export.py hubspot|salesforce < tests/data/accounts.csv > export.csv

Rewrites the canonical sample (tests/data/accounts.csv, made by
gen_accounts.c) with the column names of a HubSpot company export or of a
Salesforce Account export, and (Salesforce) with the messy values real
exports hold: money with '$', 'USD' and thousands separators, '12k' and
'$1.2M', country names and ISO alpha-3 codes, URLs and e-mail addresses for
the domain, ISO timestamps, Yes/No, stray spaces. Every value is written so
that the value normaliser reads back exactly the canonical value, so both
exports must score exactly as the canonical file does (tests/e2e/ingest.sh).
The output is deterministic: the variant of each cell depends only on its
row number. No real export is copied; everything comes from the generator.
"""

import csv
import sys

HUBSPOT = {
    "domain": "Company Domain Name", "name": "Company name",
    "industry": "Industry", "sub_industry": "Sub-Industry",
    "employees": "Number of Employees", "revenue_usd": "Annual Revenue",
    "country": "Country/Region", "region": "State/Region", "city": "City",
    "founded_year": "Year Founded", "ownership": "Ownership",
    "funding_total_usd": "Total Money Raised",
    "funding_stage": "Funding Stage",
    "last_funding_date": "Last Funding Date", "tech": "Technologies",
    "tech_categories": "Technology Categories", "open_jobs": "Job Openings",
    "updated_at": "Last Modified Date",
    "budget_confirmed": "Budget Confirmed", "timeline_set": "Timeline Set",
    "decision_maker_engaged": "Decision Maker Engaged",
    "demo_attended": "Demo Attended",
    "content_downloads": "Content Downloads",
    "rfi_completed": "RFI Completed",
    "last_activity_date": "Last Activity Date",
}

SALESFORCE = {
    "domain": "Website", "name": "Name", "industry": "Industry",
    "sub_industry": "Sub_Industry__c", "employees": "NumberOfEmployees",
    "revenue_usd": "AnnualRevenue", "country": "BillingCountry",
    "region": "BillingState", "city": "BillingCity",
    "founded_year": "Year_Founded__c", "ownership": "Ownership",
    "funding_total_usd": "Total_Funding__c",
    "funding_stage": "Funding_Stage__c",
    "last_funding_date": "Last_Funding_Date__c",
    "tech": "Technologies__c", "tech_categories": "Technology_Categories__c",
    "open_jobs": "Open_Jobs__c", "updated_at": "LastModifiedDate",
    "budget_confirmed": "Budget_Confirmed__c",
    "timeline_set": "Timeline_Set__c",
    "decision_maker_engaged": "Decision_Maker_Engaged__c",
    "demo_attended": "Demo_Attended__c",
    "content_downloads": "Content_Downloads__c",
    "rfi_completed": "RFI_Completed__c",
    "last_activity_date": "LastActivityDate",
}

COUNTRY_NAMES = {
    "US": ["United States", "USA", "U.S.", "United States of America"],
    "GB": ["UK", "United Kingdom", "GBR", "England"],
    "DE": ["Deutschland", "DEU", "Germany"],
    "FR": ["France", "FRA"], "CA": ["Canada", "CAN"],
    "NL": ["Netherlands", "The Netherlands", "NLD"],
    "AU": ["Australia", "AUS"], "SE": ["Sweden", "Sverige"],
    "IE": ["Ireland", "IRL"], "ES": ["Spain", "España"],
    "IT": ["Italy", "Italia"], "IN": ["India", "IND"], "JP": ["Japan"],
    "CH": ["Switzerland", "Schweiz"], "BR": ["Brazil", "Brasil"],
    "IL": ["Israel"], "SG": ["Singapore"], "PL": ["Poland", "Polska"],
    "MX": ["Mexico"], "DK": ["Denmark", "Danmark"],
}

NUMBER_FIELDS = {"employees", "revenue_usd", "funding_total_usd",
                 "open_jobs", "content_downloads", "founded_year"}
MONEY_FIELDS = {"revenue_usd", "funding_total_usd"}
BOOL_FIELDS = {"budget_confirmed", "timeline_set", "decision_maker_engaged",
               "demo_attended", "rfi_completed"}
DATE_FIELDS = {"last_funding_date", "updated_at", "last_activity_date"}


def thousands(n):
    return "{:,}".format(n)


def messy_number(field, text, row):
    v = float(text)
    if v != int(v) or v < 0:
        return text
    n = int(v)
    k = row % 4
    if field in MONEY_FIELDS:
        if k == 0:
            return "$" + thousands(n)
        if k == 1:
            return "USD " + thousands(n)
        if k == 2 and n >= 1000000 and n % 100000 == 0:
            m = n / 1e6
            return "$%sM" % (("%.1f" % m).rstrip("0").rstrip("."))
        return thousands(n) + " USD" if n >= 1000 else str(n)
    if field == "employees" and n >= 1000 and n % 1000 == 0 and k < 2:
        return "%dk" % (n // 1000)
    if field == "founded_year":
        return str(n)
    return thousands(n)


def messy_domain(d, row):
    k = row % 5
    if k == 0:
        return "https://www.%s/about" % d
    if k == 1:
        return "jane.doe@%s" % d
    if k == 2:
        return "http://%s" % d
    if k == 3:
        return "www.%s" % d
    return d.upper()


def messy_date(text, row):
    k = row % 3
    if k == 0:
        return text + "T12:00:00Z"
    if k == 1:
        return text + "T08:30:00.000+0000"
    return text + " 12:00:00"


def messy(field, text, row):
    if text == "":
        return ""
    if field == "domain":
        out = messy_domain(text, row)
    elif field == "country" and text in COUNTRY_NAMES:
        names = COUNTRY_NAMES[text]
        out = names[row % len(names)]
    elif field in NUMBER_FIELDS:
        out = messy_number(field, text, row)
    elif field in BOOL_FIELDS:
        yes = text == "true"
        out = ["Yes" if yes else "No", "Y" if yes else "N",
               "TRUE" if yes else "FALSE"][row % 3]
    elif field in DATE_FIELDS:
        out = messy_date(text, row)
    else:
        out = text
    if row % 7 == 3 and field not in ("tech", "tech_categories"):
        out = "  " + out + " "  # stray spaces
    return out


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("hubspot", "salesforce"):
        sys.stderr.write("usage: crm_export.py hubspot|salesforce "
                         "< accounts.csv > export.csv\n")
        return 1
    style = sys.argv[1]
    names = HUBSPOT if style == "hubspot" else SALESFORCE
    rd = csv.reader(sys.stdin)
    header = next(rd)
    wr = csv.writer(sys.stdout, lineterminator="\r\n")
    idcol = "Record ID" if style == "hubspot" else "Id"
    wr.writerow([idcol] + [names.get(h, h) for h in header])
    for row, rec in enumerate(rd, start=2):
        if style == "hubspot":
            rid = str(9000000000 + row)
            cells = [c for c in rec]
            # HubSpot writes countries as names
            for i, h in enumerate(header):
                if h == "country" and cells[i] in COUNTRY_NAMES:
                    cells[i] = COUNTRY_NAMES[cells[i]][0]
        else:
            rid = "001%015d" % row
            cells = [messy(h, c, row) for h, c in zip(header, rec)]
        wr.writerow([rid] + cells)
    return 0


if __name__ == "__main__":
    sys.exit(main())
