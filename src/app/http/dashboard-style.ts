/**
 * The dashboard's stylesheet. Text colours keep at least 4.5:1 against their background (WCAG AA,
 * checked by axe-core in test/dashboard-live.test.ts); the risk colours of bars are never the only
 * sign, a row's class and its words say the same.
 */
export const DASHBOARD_STYLE = String.raw`
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328;background:#fafafa}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}h3{font-size:1rem}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.35rem .6rem;border-bottom:1px solid #e5e5e5;text-align:left;font-size:.9rem}
.bar{width:180px;height:12px;background:#eee;border-radius:6px;overflow:hidden}.bar>div{height:100%}
.ok>div{background:#2e7d32}.at-risk>div{background:#f9a825}.breached>div{background:#c62828}
tr.breached td:first-child{border-left:4px solid #c62828}tr.at-risk td:first-child{border-left:4px solid #f9a825}
#login,nav{display:flex;gap:.8rem;align-items:center;margin:1rem 0}#login[hidden],nav[hidden],#filters[hidden]{display:none}#error{color:#b71c1c}.muted{color:#595959}.unlisted{color:#9a4507;font-size:.8rem;border:1px solid #9a4507;border-radius:4px;padding:0 .3rem}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
a{color:#0b57d0}
#live{font-size:.85rem;padding:.1rem .5rem;border-radius:1rem;border:1px solid #595959;color:#1f2328}#live.on{border-color:#2e7d32;color:#1b5e20}
#filters{display:flex;flex-wrap:wrap;gap:.8rem 1.2rem;align-items:flex-end;margin:1rem 0;padding:.8rem;background:#fff;border:1px solid #e5e5e5;border-radius:6px}
#filters label{display:flex;flex-direction:column;font-size:.8rem;gap:.2rem}#filters select{font-size:.9rem;min-width:9rem}#filters label[hidden]{display:none}
.clock{font-variant-numeric:tabular-nums;white-space:nowrap}
#overview{display:flex;flex-wrap:wrap;gap:1.5rem;margin:1rem 0}
figure.chart{margin:0;padding:.8rem;background:#fff;border:1px solid #e5e5e5;border-radius:6px;max-width:100%}
figure.chart figcaption{font-weight:600;font-size:.9rem;margin-bottom:.4rem}
figure.chart svg text{fill:#1f2328;font-size:11px}
figure.chart details{font-size:.8rem;margin-top:.3rem}figure.chart details table{width:auto}
figure.chart .note{font-size:.8rem;color:#595959;margin:.3rem 0 0}
`;
