// The spec's 30 tests against the recording fake (exact Pusher error bodies).
import { after } from 'node:test';
import { specSuite } from './suite.js';
import { startFakePusher, type FakePusher } from '../helpers/fake-pusher.js';

let fake: FakePusher | undefined;
after(() => fake?.close());

specSuite('server-library spec (fake Pusher)', async () => {
  fake = await startFakePusher({ appId: '4321', key: 'aaaa', secret: 'tofu' });
  return {
    baseUrl: fake.url,
    appId: fake.appId,
    key: fake.key,
    secret: fake.secret,
    exactErrorBodies: true,
  };
});
