import nock from 'nock';

const LOOPBACK = /127\.0\.0\.1|localhost/;

/**
 * Mocha hooks for a suite whose outgoing HTTP may reach nock interceptors and loopback only (the
 * bridge under test), never another host. Call it first inside the describe, before the suite's own
 * hooks add interceptors. Nock is (re)activated and emptied here because another suite may have
 * restored it or left interceptors behind. `cleanAfterEach` drops every test's interceptors.
 */
export function interceptHttp(options: { readonly cleanAfterEach?: boolean } = {}): void {
  before(() => {
    if (!nock.isActive()) nock.activate();
    nock.cleanAll();
    nock.disableNetConnect();
    nock.enableNetConnect(LOOPBACK);
  });
  if (options.cleanAfterEach) {
    afterEach(() => {
      nock.abortPendingRequests();
      nock.cleanAll();
    });
  }
  after(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
