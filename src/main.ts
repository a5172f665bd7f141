// First: the Trusted Types default policy must exist before any script URL is used.
import './security/trusted-types.ts';
import { LeaderElection } from './hub/leader.ts';
import { UpdateController } from './app/updates.ts';
import type { HubApp } from './app/hub-app.ts';
import './app/hub-app.ts';

const app = document.querySelector('hub-app') as HubApp;

function markReady(state: 'ready' | 'viewer') {
  document.documentElement.dataset.hubState = state;
  performance.mark(`hub-${state}`);
}

const election = new LeaderElection({
  async onLeader() {
    await app.startHub();
    await app.updateComplete;
    markReady('ready');
    void import('./app/after-ready.ts').catch((error) => console.error('part of the homepage did not load', error));
    // Demo mode's virtual devices load only now: the homepage never waits for their code.
    void app.hub?.api.startDemoDevices().catch((error) => console.error('the demo devices did not start', error));
    void app.hub?.api.startNetworkPrinters().catch((error) => console.error('the network printers did not start', error));
  },
  onLost() {
    app.stopHub();
    markReady('viewer');
    void election.join().catch((error) => console.error('the hub did not start', error));
  },
});

app.onTakeOver = () => void election.takeOver();

async function main() {
  if (import.meta.env.PROD && 'serviceWorker' in navigator) {
    app.updates = UpdateController.forScript('./sw.js', {
      automatic: () => app.snapshot?.settings.autoUpdate ?? false,
      whenIdle: () => (app.hub ? app.hub.api.whenIdle() : null),
    });
    app.updates.register().catch((error) => console.error('service worker registration failed', error));
  }
  if (navigator.storage?.persist) {
    app.persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  }
  if (await election.held()) {
    app.showViewer();
    markReady('viewer');
  }
  await election.join().catch((error) => console.error('the hub did not start', error));
}

void main();
