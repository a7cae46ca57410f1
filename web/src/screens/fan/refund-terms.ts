// The refund terms in force for a ticket: the concert's schedule (its refundPolicy from
// GET /concerts) laid on the ticket's show date, so the fan reads dates and fees ("until
// Mar 5, 09:00: free; from then 10%"...) instead of hours before the show.

import type { RefundFee, RefundPolicy } from '../../api/types';
import { formatFee, freeFee, hoursBeforeShow, refundPeriods, type RefundPeriod } from '../../domain/refund-policy';
import { formatMoment } from '../../domain/time';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { h } from '../../ui/dom';

function periodText(p: RefundPeriod): string {
  const at = (iso: string) => formatMoment(iso, lang());
  if (p.from === null) return t('refundTermsUntil', { until: at(p.until!) });
  if (p.until === null) return t('refundTermsFrom', { from: at(p.from) });
  return t('refundTermsBetween', { from: at(p.from), until: at(p.until) });
}

function feeText(fee: RefundFee | null): string {
  if (fee === null) return t('refundTermsNone');
  return freeFee(fee) ? t('refundTermsFree') : formatFee(fee);
}

/**
 * The section: the grace period after paying (while refunds are still possible), then the
 * fee of each period not over at `now`, then how to refund.
 */
export function refundTermsSection(policy: RefundPolicy | undefined, date: string, now = Date.now()): HTMLElement {
  const title = h('h2', { id: 'refund-terms-title' }, t('refundTermsTitle'));
  if (!policy) return h('section', { class: 'card refund-terms', 'aria-labelledby': 'refund-terms-title' }, title, h('p', { class: 'muted' }, t('refundTermsUnknown')));
  return h(
    'section',
    { class: 'card refund-terms', 'aria-labelledby': 'refund-terms-title', 'data-testid': 'refund-terms' },
    title,
    policy.graceHours > 0 && now < Date.parse(hoursBeforeShow(date, policy.deadlineHours)) ? h('p', {}, t('refundTermsGrace', { h: policy.graceHours })) : null,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('refundTermsPeriod')), h('th', { scope: 'col' }, t('refundTermsFee')))),
        h(
          'tbody',
          {},
          refundPeriods(policy, date, now).map((p) => h('tr', { 'data-refundable': String(p.fee !== null) }, h('td', {}, periodText(p)), h('td', {}, feeText(p.fee)))),
        ),
      ),
    ),
    h('p', { class: 'muted' }, t('refundTermsHow')),
  );
}
