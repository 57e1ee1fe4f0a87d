#!/usr/bin/env node
// `npm run up` only: once the simulated history has produced listings, an officer proposes the oldest
// ones for publication and a legal reviewer approves them, through the staff API as the console
// would, so that the public page (失信公示) has postings to show. Decision numbers say 演示 (demo).
// Usage: node scripts/demo-publications.js <staff-api URL> <officer token> <legal reviewer token> [count]
const [staffUrl, officerToken, legalToken, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 3);
const DEADLINE_MS = 180_000;

async function call(method, path, token, body) {
  const res = await fetch(`${staffUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  const started = Date.now();
  let listings = [];
  // Wait for ingest to list vehicles from the simulated history.
  while (Date.now() - started < DEADLINE_MS) {
    listings = (await call('GET', `/v1/listings?status=LISTED&proposed=false&pageSize=${count}`, officerToken)).items;
    if (listings.length >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const year = new Date().getFullYear();
  let published = 0;
  for (const [i, listing] of listings.entries()) {
    await call('POST', `/v1/listings/${listing.id}/publication-proposal`, officerToken, {
      decisionNo: `湖交超决〔${year}〕演示${String(i + 1).padStart(3, '0')}号`,
      legalBasis:
        '《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）第四十三条；《湖州市高速公路超限超载"违法失信清单"管理办法（暂行）》',
    });
    await call('POST', `/v1/listings/${listing.id}/publication-review`, legalToken, {
      approve: true,
      opinion: '演示数据：事实清楚，依据充分，同意公示',
    });
    published += 1;
  }
  process.stdout.write(
    `demo: ${published} listing(s) proposed by officer-a and approved by legal-b: ${listings.map((l) => l.plate).join(', ') || 'none yet'}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`demo publications failed: ${error.message}\n`);
  process.exit(1);
});
