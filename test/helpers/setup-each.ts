import nock from 'nock';

// No network beyond loopback: every provider call in tests goes through nock or a local server.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
