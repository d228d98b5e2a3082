/**
 * The dashboard's charts, drawn by the page as inline SVG (nothing to fetch): compliance per month
 * and per priority (from `GET /api/compliance`, the monthly reports' figures), the time to breach
 * of the open clocks shown, and breaches per contract; and each contract's own compliance per
 * month. Every chart is a figure with a caption, an SVG whose label says every value, a `<title>`
 * per bar, and the values as a table under "values" for those who cannot see the bars.
 *
 * A section script of the registry in dashboard-script.ts; the same rules (no template literals).
 */
export const DASHBOARD_CHARTS = String.raw`
(() => {
  const { text } = slaDashboard;
  const percent = (share) => share.percentMet === null ? 'nothing decided' : share.percentMet + '% met';
  const sum = (shares) => {
    const met = shares.reduce((total, share) => total + share.met, 0); const breached = shares.reduce((total, share) => total + share.breached, 0);
    return { met, breached, percentMet: met + breached > 0 ? Math.round(1000 * met / (met + breached)) / 10 : null };
  };
  /**
   * Bars of { label, value (a number or null for none), shown (the words of the value), fill }: upright
   * with the labels under them, or lying with the labels before them (long names).
   */
  function barChart(chart) {
    const { id, caption, bars, max, lying, note } = chart;
    const top = Math.max(max, 1);
    let body; let width; let height;
    if (lying) {
      // Room for the longest name at about 6.5 px a character of 11 px text.
      const row = 22; const labelWidth = Math.min(320, Math.max(80, 12 + 6.5 * Math.max(0, ...bars.map((bar) => bar.label.length)))); const barWidth = 220;
      width = labelWidth + barWidth + 60; height = Math.max(1, bars.length) * row + 4;
      body = bars.map((bar, i) => {
        const w = bar.value === null ? 0 : barWidth * bar.value / top;
        return '<g transform="translate(0,' + (i * row) + ')"><text x="' + (labelWidth - 6) + '" y="15" text-anchor="end">' + text(bar.label) + '</text>'
          + '<rect class="chart-bar" data-label="' + text(bar.label) + '" data-value="' + (bar.value ?? '') + '" x="' + labelWidth + '" y="3" width="' + w + '" height="16" fill="' + bar.fill + '"><title>' + text(bar.label + ': ' + bar.shown) + '</title></rect>'
          + '<text x="' + (labelWidth + w + 6) + '" y="15">' + text(bar.shown) + '</text></g>';
      }).join('');
    } else {
      const column = 56; const plot = 100;
      width = Math.max(1, bars.length) * column; height = plot + 36;
      body = bars.map((bar, i) => {
        const h = bar.value === null ? 0 : plot * bar.value / top;
        return '<g transform="translate(' + (i * column) + ',0)">'
          + '<rect class="chart-bar" data-label="' + text(bar.label) + '" data-value="' + (bar.value ?? '') + '" x="10" y="' + (plot + 14 - h) + '" width="36" height="' + h + '" fill="' + bar.fill + '"><title>' + text(bar.label + ': ' + bar.shown) + '</title></rect>'
          + '<text x="28" y="' + Math.max(11, plot + 10 - h) + '" text-anchor="middle">' + text(bar.short ?? bar.shown) + '</text>'
          + '<text x="28" y="' + (plot + 30) + '" text-anchor="middle">' + text(bar.label) + '</text></g>';
      }).join('');
    }
    const said = bars.map((bar) => bar.label + ': ' + bar.shown).join('; ');
    return '<figure class="chart" data-chart="' + id + '"><figcaption id="chart-' + id + '">' + text(caption) + '</figcaption>'
      + '<svg role="img" aria-labelledby="chart-' + id + ' chart-' + id + '-said" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + ' ' + height + '"><desc id="chart-' + id + '-said">' + text(said || 'nothing to show') + '</desc>' + body + '</svg>'
      + (note ? '<p class="note">' + text(note) + '</p>' : '')
      + '<details><summary>values</summary><table class="chart-values"><tr><th scope="col">' + text(chart.labelHeading) + '</th><th scope="col">' + text(chart.valueHeading) + '</th></tr>'
      + bars.map((bar) => '<tr><td>' + text(bar.label) + '</td><td>' + text(bar.shown) + '</td></tr>').join('') + '</table></details></figure>';
  }
  const shareBar = (label, share) => ({ label, value: share.percentMet, shown: percent(share), short: share.percentMet === null ? '–' : share.percentMet + '%', fill: '#2e7d32' });

  /** The months of the contracts shown (the same six for all: the bridge names them). */
  function monthsOf(compliance) {
    const months = [...new Set(compliance.flatMap((contract) => contract.months.map((entry) => entry.month)))].sort();
    return months.map((month) => ({ month, entries: compliance.flatMap((contract) => contract.months.filter((entry) => entry.month === month)) }));
  }
  const priorityShare = (entry, priority) => priority ? entry.byPriority[priority] : entry;

  slaDashboard.register({ id: 'chart-compliance-month', place: 'overview', order: 10, render(view) {
    const priority = view.filters.priority;
    const bars = monthsOf(view.compliance).map(({ month, entries }) => shareBar(month, sum(entries.map((entry) => priorityShare(entry, priority)))));
    return barChart({ id: 'compliance-month', caption: 'Met on time per month' + (priority ? ', ' + priority : ''), bars, max: 100, labelHeading: 'month', valueHeading: 'met on time', note: 'Issues created in the month, every metric; from the monthly reports.' });
  } });
  slaDashboard.register({ id: 'chart-compliance-priority', place: 'overview', order: 20, render(view) {
    const entries = view.compliance.flatMap((contract) => contract.months);
    const bars = ['P1', 'P2', 'P3', 'P4'].map((priority) => shareBar(priority, sum(entries.map((entry) => entry.byPriority[priority]))));
    return barChart({ id: 'compliance-priority', caption: 'Met on time per priority, last ' + (monthsOf(view.compliance).length) + ' months', bars, max: 100, labelHeading: 'priority', valueHeading: 'met on time' });
  } });
  /** Where each open clock stands against its deadline, from the bridge's now on. */
  const BUCKETS = [
    { label: 'overdue', below: 0, fill: '#b71c1c' },
    { label: '< 1 h', below: 3600000, fill: '#e65100' },
    { label: '1-4 h', below: 4 * 3600000, fill: '#8d6e00' },
    { label: '4-24 h', below: 24 * 3600000, fill: '#1565c0' },
    { label: '1-7 d', below: 7 * 24 * 3600000, fill: '#455a64' },
    { label: '> 7 d', below: Infinity, fill: '#455a64' },
  ];
  slaDashboard.register({ id: 'chart-time-to-breach', place: 'overview', order: 30, render(view) {
    const counts = BUCKETS.map(() => 0); let paused = 0;
    for (const entry of view.issues) for (const metric of entry.metrics) {
      if (metric.metAt !== undefined || !['running', 'paused', 'breached'].includes(metric.state)) continue;
      if (!metric.deadline || metric.state === 'paused') { paused++; continue; }
      const left = metric.deadline - view.now;
      counts[BUCKETS.findIndex((bucket) => left < bucket.below)]++;
    }
    const bars = BUCKETS.map((bucket, i) => ({ label: bucket.label, value: counts[i], shown: counts[i] + (counts[i] === 1 ? ' clock' : ' clocks'), short: String(counts[i]), fill: bucket.fill }));
    return barChart({ id: 'time-to-breach', caption: 'Time to breach of the open clocks shown', bars, max: Math.max(...counts), labelHeading: 'time to breach', valueHeading: 'open clocks', note: paused ? paused + ' paused, not counted.' : '' });
  } });
  slaDashboard.register({ id: 'chart-breaches', place: 'overview', order: 40, render(view) {
    const bars = view.compliance.map((contract) => ({ contract, count: contract.months.reduce((total, entry) => total + entry.breaches, 0) }))
      .sort((a, b) => b.count - a.count || a.contract.id.localeCompare(b.contract.id))
      .map(({ contract, count }) => ({ label: contract.customer, value: count, shown: count + (count === 1 ? ' breach' : ' breaches'), fill: '#b71c1c' }));
    return barChart({ id: 'breaches', caption: 'Breaches per contract, last ' + (monthsOf(view.compliance).length) + ' months', bars, max: Math.max(0, ...bars.map((bar) => bar.value)), lying: true, labelHeading: 'contract', valueHeading: 'breaches' });
  } });

  /** Each contract's months, with the priority filter's share when one is set. */
  slaDashboard.register({ id: 'contract-compliance', place: 'contract', order: 10, render(view, contract) {
    const compliance = view.compliance.find((entry) => entry.id === contract.id);
    if (!compliance) return '';
    const priority = view.filters.priority;
    const width = 46, height = 90;
    const bars = compliance.months.map((entry, i) => {
      const share = priorityShare(entry, priority);
      const h = share.percentMet === null ? 0 : (height - 20) * share.percentMet / 100;
      return '<g transform="translate(' + (i * width) + ',0)"><rect class="compliance" data-month="' + entry.month + '" data-value="' + (share.percentMet ?? '') + '" x="6" y="' + (height - 20 - h) + '" width="30" height="' + h + '" fill="#2e7d32"><title>' + entry.month + ': ' + percent(share) + '</title></rect>'
        + '<text x="21" y="' + (height - 6) + '" font-size="10" text-anchor="middle">' + entry.month.slice(2) + '</text>'
        + '<text x="21" y="' + Math.max(10, height - 24 - h) + '" font-size="10" text-anchor="middle">' + (share.percentMet === null ? '–' : share.percentMet + '%') + '</text></g>';
    });
    const said = compliance.months.map((entry) => entry.month + ': ' + percent(priorityShare(entry, priority))).join('; ');
    return '<svg class="contract-compliance" role="img" aria-label="' + text('met on time per month' + (priority ? ', ' + priority : '') + ': ' + said) + '" width="' + (compliance.months.length * width) + '" height="' + height + '">' + bars.join('') + '</svg>';
  } });
})();
`;
