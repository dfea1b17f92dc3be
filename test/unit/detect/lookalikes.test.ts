/**
 * Look-alikes of a closed or reset connection that never involved a peer: a broken pipe of this
 * machine's own output (a shell pipeline whose reader went away, Python's `<stdout>` flush at exit,
 * a process's stdin) and Chromium's IPC channel between a browser and its child processes. Beside
 * each, the same wording where a peer is involved still counts.
 */
import * as assert from 'node:assert/strict';
import { detectText } from '../../../src/core/detect/detect';

const kinds = (text: string): string[] => detectText(text).map((i) => `${i.category} ${i.host ?? '-'}:${i.port ?? '-'}`);

describe('detect: local pipes and IPC channels are not connection failures', () => {
  const silent: [string, string][] = [
    // CPython: print() to a closed pipe raises BrokenPipeError (Doc/library/signal.rst "Note on SIGPIPE").
    ['python print into head', '$ ./list.py | head -n 1\nname\nTraceback (most recent call last):\n  File "list.py", line 3, in <module>\n    print(row)\nBrokenPipeError: [Errno 32] Broken pipe'],
    // CPython flushes sys.stdout at exit: `Exception ignored in: <_io.TextIOWrapper name='<stdout>' …>`.
    ['python stdout flush', "Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>\nBrokenPipeError: [Errno 32] Broken pipe"],
    // Python 2: `close failed in file object destructor:` after a write to a closed stdout.
    ['python 2 destructor', 'IOError: [Errno 32] Broken pipe\nclose failed in file object destructor:\nsys.excepthook is missing'],
    ['python frame', 'Traceback (most recent call last):\n  File "cli.py", line 208, in cli\n    print(outputs.formatted(args.format))\nBrokenPipeError: [Errno 32] Broken pipe'],
    // Node: a write to process.stdout whose reader exited.
    ['node stdin pipeline', '# echo "1+1" | node run_stdin.js\n\nError: write EPIPE\n    at afterWriteDispatched (node:internal/stream_base_commons:161:15)'],
    ['node process.stdout', "Error: write EPIPE\n    at process.stdout.write (node:internal/streams/writable:1:1)"],
    ['prose about piping', 'BUG: piping into head raises IOError: [Errno 32] Broken pipe'],
    // Gecko/Chromium ipc_channel_posix.cc: a child process's socket pair.
    ['firefox ipc', '[Parent 5205, Gecko_IOThread] WARNING: pipe error (65): Connection reset by peer: file /build/src/ipc/chromium/src/chrome/common/ipc_channel_posix.cc, line 357'],
    ['firefox message channel', '###!!! [Child][MessageChannel] Error: (msgtype=0x530005,name=PHttpChannel::Msg_Cancel) Closed channel: cannot send/recv\n[Parent 5205, Gecko_IOThread] WARNING: pipe error (104): Connection reset by peer'],
  ];
  for (const [name, text] of silent) {
    it(`${name} stays silent`, () => assert.deepEqual(kinds(text), []));
  }

  const still: [string, string, string][] = [
    // OpenSSH packet.c: a broken pipe on the connection to the server.
    ['ssh write failed', 'Write failed: Broken pipe', 'closed -:-'],
    ['ssh with peer', 'Connection to 10.0.0.5 port 22: Broken pipe', 'closed 10.0.0.5:22'],
    // A socket write in Node, inside a compose log whose prefix uses `|`.
    ['compose prefix', 'web-1  | Error: write EPIPE\nweb-1  |     at WriteWrap.onWriteComplete [as oncomplete] (node:internal/stream_base_commons:94:16)', 'closed -:-'],
    // A pipeline in the command but a peer in the error: the peer counts.
    ['pipeline with a peer', "$ curl -s http://10.0.0.9:8080/ | jq .\ncurl: (56) Recv failure: Connection reset by peer", 'reset 10.0.0.9:8080'],
    ['reset by a server', 'ConnectionResetError: [Errno 104] Connection reset by peer', 'reset -:-'],
  ];
  for (const [name, text, want] of still) {
    it(`${name} is still ${want}`, () => assert.equal(kinds(text)[0], want));
  }
});
