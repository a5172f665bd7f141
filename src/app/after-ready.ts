// Homepage parts the hub does not need to be ready: the window loads them once it is (main.ts),
// and their elements upgrade in place. They stay out of the initial shell's 60 KB budget (issue 13).
import './connections-section.ts';
import './demo-section.ts';
import './device-settings-form.ts';
import './network-printers-controls.ts';
