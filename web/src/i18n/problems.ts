// Every problem `code` the API can answer (docs/openapi.json, Problem.code), and the ones the
// app adds for failures that brought no problem document (CLIENT_CODES in api/client.ts), as
// one sentence a fan or an operator can act on, in Korean and English. The app switches on
// `code`, never on the API's `detail`.

import type { Lang } from './lang';

type Sentence = Record<Lang, string>;

export const PROBLEM_MESSAGES: Record<string, Sentence> = {
  INVALID_REQUEST: {
    ko: '요청 내용이 올바르지 않습니다. 입력한 값을 확인해 주세요.',
    en: 'The request was not valid. Check what you entered.',
  },
  PAYLOAD_TOO_LARGE: { ko: '보낸 내용이 너무 큽니다. 줄여서 다시 보내 주세요.', en: 'What was sent is too large. Shorten it and try again.' },
  NOT_FOUND: { ko: '요청한 항목을 찾을 수 없습니다.', en: 'That could not be found.' },
  AUTH_MISSING: { ko: '로그인이 필요합니다.', en: 'Please sign in.' },
  AUTH_INVALID: {
    ko: '로그인이 만료되었거나 올바르지 않습니다. 다시 로그인해 주세요.',
    en: 'Your sign-in has expired or is not valid. Please sign in again.',
  },
  FORBIDDEN: { ko: '이 작업을 할 권한이 없습니다.', en: 'You are not allowed to do that.' },
  TOKEN_MISSING: {
    ko: '아직 대기열 순번이 없습니다. 먼저 대기열에 참여해 주세요.',
    en: 'You have no place in line yet. Join the line first.',
  },
  TOKEN_INVALID: {
    ko: '대기열 순번을 확인할 수 없습니다. 대기열에 다시 참여해 주세요.',
    en: 'Your place in line is not recognised. Join the line again.',
  },
  TOKEN_EXPIRED: {
    ko: '예매 가능 시간이 끝났습니다. 계속하려면 대기열에 다시 참여해 주세요.',
    en: 'Your turn has ended. Join the line again to go on.',
  },
  TOKEN_NOT_ACTIVE: { ko: '아직 차례가 아닙니다. 대기 화면에서 조금만 기다려 주세요.', en: 'It is not your turn yet. Please keep waiting.' },
  TOKEN_WRONG_CONCERT: {
    ko: '이 대기열 순번은 다른 공연의 것입니다. 이 공연의 대기열에 참여해 주세요.',
    en: 'Your place in line is for another concert. Join this concert’s line.',
  },
  CONCERT_NOT_FOUND: { ko: '해당 공연을 찾을 수 없습니다.', en: 'That concert does not exist.' },
  SALE_NOT_OPEN: {
    ko: '아직 대기열이 열리지 않았습니다. 오픈 시각에 다시 와 주세요.',
    en: 'The line is not open yet. Come back at the opening time.',
  },
  SALE_CLOSED: { ko: '판매가 종료되었습니다.', en: 'The sale has closed.' },
  SOLD_OUT: { ko: '모든 좌석이 매진되었습니다.', en: 'Every seat is sold.' },
  CONCERT_EXISTS: {
    ko: '같은 ID의 공연이 이미 있습니다. 다른 ID를 입력해 주세요.',
    en: 'A concert with this ID already exists. Choose another ID.',
  },
  SALE_STARTED: {
    ko: '사전 대기가 이미 시작되어 날짜, 좌석, 가격과 오픈 시각은 바꿀 수 없습니다.',
    en: 'The sale has started: its dates, seats, prices and opening can no longer change.',
  },
  SEAT_IN_USE: {
    ko: '없애거나 가격을 바꾸려는 좌석이 이미 선점되었거나 판매되었습니다.',
    en: 'A seat you would remove or reprice is already held or sold.',
  },
  EDIT_CONFLICT: {
    ko: '그사이 다른 변경이 있었습니다. 새로 불러온 뒤 다시 시도해 주세요.',
    en: 'Someone changed this meanwhile. Reload it and try again.',
  },
  DRAW_NOT_PUBLISHED: { ko: '추첨 결과는 판매가 끝난 뒤 공개됩니다.', en: 'The draw is published once the sale is over.' },
  SCHEDULE_NOT_FOUND: { ko: '그 날짜에는 공연이 없습니다.', en: 'There is no performance on that date.' },
  SEAT_NOT_FOUND: { ko: '존재하지 않는 좌석입니다.', en: 'That seat does not exist.' },
  SEAT_UNAVAILABLE: {
    ko: '방금 다른 분이 이 좌석을 선택했습니다. 다른 좌석을 골라 주세요.',
    en: 'Someone else has just taken this seat. Please choose another one.',
  },
  SEAT_LIMIT_REACHED: {
    ko: '이 공연에서 한 계정이 잡을 수 있는 좌석 수를 모두 채웠습니다.',
    en: 'You already hold or own as many seats of this concert as one account may.',
  },
  PROOF_OF_WORK_REQUIRED: {
    ko: '이 공연은 대기열에 들어가기 전에 브라우저가 잠시 계산을 해야 합니다. 다시 시도해 주세요.',
    en: 'This sale asks your browser to do a moment of work before joining the line. Please try again.',
  },
  PROOF_OF_WORK_INVALID: {
    ko: '대기열 입장 확인에 실패했습니다. 다시 시도해 주세요.',
    en: 'The check before joining the line did not pass. Please try again.',
  },
  NO_SEATS_TOGETHER: {
    ko: '나란히 붙은 빈 좌석이 그만큼 없습니다. 매수를 줄이거나 좌석을 직접 골라 주세요.',
    en: 'Not that many free seats side by side: ask for fewer, or pick seats yourself.',
  },
  VENUE_NOT_FOUND: { ko: '해당 공연장을 찾을 수 없습니다.', en: 'That venue could not be found.' },
  VENUE_EXISTS: {
    ko: '같은 ID의 공연장이 다른 배치도로 이미 있습니다. 배치도는 만든 뒤 바꿀 수 없으니 새 ID를 써 주세요.',
    en: 'A venue with this id exists with another layout. Layouts are fixed once made: use a new id.',
  },
  RESERVATION_NOT_FOUND: { ko: '해당 예약을 찾을 수 없습니다.', en: 'That reservation could not be found.' },
  INVALID_AMOUNT: {
    ko: '충전 금액이 올바르지 않습니다. 1원 이상, 1회 충전 한도 이하로 입력해 주세요.',
    en: 'That amount is not valid: enter at least ₩1 and no more than the limit for one charge.',
  },
  BALANCE_LIMIT: {
    ko: '충전하면 지갑 한도를 넘습니다. 더 적은 금액을 충전해 주세요.',
    en: 'That would take your wallet over its limit. Charge a smaller amount.',
  },
  INSUFFICIENT_BALANCE: {
    ko: '잔액이 부족합니다. 지갑을 충전한 뒤 다시 결제해 주세요.',
    en: 'Your balance is too low. Charge your wallet, then pay again.',
  },
  HOLD_EXPIRED: {
    ko: '좌석 선점 시간이 끝났습니다. 좌석을 다시 선택해 주세요.',
    en: 'Your hold on the seat has run out. Choose the seat again.',
  },
  ALREADY_PAID: { ko: '이미 결제된 좌석입니다. 결제 내역을 확인해 주세요.', en: 'This seat is already paid for. See your payments.' },
  NOT_PAID: {
    ko: '결제되지 않은 좌석은 환불할 수 없습니다. 선점 중인 좌석은 선점 취소를 이용해 주세요.',
    en: 'Only a paid seat can be refunded. To give up a seat you hold, cancel the hold.',
  },
  ALREADY_REFUNDED: { ko: '이미 환불된 좌석입니다. 결제 내역을 확인해 주세요.', en: 'This seat has already been refunded. See your payments.' },
  REFUND_DEADLINE_PASSED: {
    ko: '환불 가능 기한이 지났습니다. 좌석은 그대로 유지됩니다.',
    en: 'The refund deadline has passed. The seat stays yours.',
  },
  TICKET_NOT_FOUND: { ko: '티켓을 찾을 수 없습니다. 결제된 좌석의 QR 코드인지 확인해 주세요.', en: 'No such ticket: check that this is the QR code of a paid seat.' },
  TICKET_VOID: { ko: '환불된 티켓입니다. 이 티켓으로는 입장할 수 없습니다.', en: 'This ticket was refunded: it admits nobody.' },
  TICKET_WRONG_DATE: { ko: '오늘 공연의 티켓이 아닙니다.', en: 'This ticket is not for today’s show.' },
  TICKET_CODE_INVALID: {
    ko: '코드가 맞지 않습니다. 캡처한 화면이거나 지난 코드일 수 있으니, 앱에서 티켓을 다시 열어 달라고 해 주세요.',
    en: 'The code is not current: it may be a screenshot or an old code. Ask for the ticket to be opened in the app again.',
  },
  TRANSFER_CLOSED: {
    ko: '공연이 가까워 더 이상 티켓을 양도할 수 없습니다.',
    en: 'Transfers of this ticket have closed: the show is too close.',
  },
  NOT_TRANSFERRED: {
    ko: '양도받은 티켓이 아니어서 돌려보낼 곳이 없습니다. 티켓 목록에서 지금 어디에 있는지 확인해 주세요.',
    en: 'This ticket was not passed to you, so there is nobody to give it back to. Your ticket list shows where it is.',
  },
  TRANSFERRED_TICKET: {
    ko: '양도받은 티켓은 환불되지 않습니다. 보낸 분께 돌려보내거나 다른 분께 양도할 수 있습니다.',
    en: 'A ticket passed to you is not refunded: give it back to its sender, or pass it on.',
  },
  ALREADY_CHECKED_IN: {
    ko: '이미 입장 처리된 티켓입니다. 입장한 티켓은 환불할 수 없습니다.',
    en: 'This ticket has already been checked in, and a ticket used at the door cannot be refunded.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    ko: '처음 요청과 다른 내용으로 재시도되었습니다. 처음부터 다시 시도해 주세요.',
    en: 'This retry differs from the first request. Please start again.',
  },
  INVALID_IDEMPOTENCY_KEY: {
    ko: '요청 식별 키가 올바르지 않습니다. 다시 시도해 주세요.',
    en: 'The request’s retry key was not valid. Please try again.',
  },
  CONTENTION: {
    ko: '동시에 요청이 몰려 처리하지 못했습니다. 변경된 것은 없으니 다시 시도해 주세요.',
    en: 'Too many people at once: nothing was changed. Please try again.',
  },
  THROTTLED: {
    ko: '지금 요청이 많아 처리하지 못했습니다. 변경된 것은 없으니 잠시 후 다시 시도해 주세요.',
    en: 'The service is busy: nothing was changed. Please try again in a moment.',
  },
  SERVICE_UNAVAILABLE: {
    ko: '서비스가 제때 응답하지 않았습니다. 같은 버튼을 다시 누르면 안전하게 재시도됩니다.',
    en: 'The service did not answer in time. Pressing the same button again retries safely.',
  },
  CHARGE_OUTCOME_UNKNOWN: {
    ko: '충전이 되었는지 확인하지 못했습니다. 잔액을 확인한 뒤 다시 충전해 주세요.',
    en: 'We could not confirm the charge. Check your balance before charging again.',
  },
  INTERNAL: {
    ko: '일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.',
    en: 'Something went wrong on our side. Please try again shortly.',
  },
  // The app's own: no answer, or an answer that is not a problem document (API Gateway's
  // own `{"message": ...}`, a proxy's page). A 401, 413, 429 or 500 of those gets the
  // service's code above (AUTH_INVALID, PAYLOAD_TOO_LARGE, THROTTLED, INTERNAL).
  NETWORK: { ko: '서버에 연결하지 못했습니다. 인터넷 연결을 확인해 주세요.', en: 'Could not reach the service. Check your connection.' },
  UNAVAILABLE: {
    ko: '서비스가 지금 응답할 수 없습니다. 잠시 후 다시 시도해 주세요.',
    en: 'The service cannot answer right now. Please try again in a moment.',
  },
  TIMEOUT: {
    ko: '서비스 응답 시간이 초과되었습니다. 처리되었을 수도 있으니 결과를 확인한 뒤 다시 시도해 주세요.',
    en: 'The service took too long to answer. It may still have been done: check before trying again.',
  },
  UNEXPECTED: { ko: '예상하지 못한 응답입니다. 다시 시도해 주세요.', en: 'The service answered unexpectedly. Please try again.' },
};

/** The sentence for a problem code; an unknown code gets the general one. */
export function problemMessage(code: string, lang: Lang): string {
  return (PROBLEM_MESSAGES[code] ?? PROBLEM_MESSAGES.UNEXPECTED)[lang];
}
