/**
 * The Python implementation of the process guardian (protocol: guardian.ts), the same program as
 * guardianNode.ts line for line in behaviour. It runs with the Python interpreter that runs llem (llem is a
 * Python console script, so that interpreter is always there), as `python -I -S -c <source> <marker> <grace ms>
 * <command> <args…>`. `-I` (isolated mode) keeps PYTHONPATH, user site-packages and the working directory (llem's
 * scratch folder) out of the guardian's imports, and `-S` skips site-packages and its .pth hooks: the guardian
 * needs the standard library only. llem itself still gets the full environment.
 *
 * Why Python and not the Electron binary: the desktop app's runAsNode fuse is off, so its binary cannot act as
 * Node; a utilityProcess cannot be the guardian either (it dies with the app and cannot lead a process group).
 *
 * Details that differ from Node and matter:
 * - SIGINT gets a do-nothing handler, not SIG_IGN: an ignored signal stays ignored across exec, so llem would
 *   ignore SIGINT too; a handler is reset to the default in llem.
 * - fd 3 is read on a daemon thread; EOF or an error there means the app's end is closed (the app died).
 * - Popen closes every fd above 2 in llem (close_fds), so llem never holds the control socket open.
 * Written for Python 3.8 and later (llem needs a newer one), standard library only.
 */
export const GUARDIAN_PYTHON_SOURCE = String.raw`import errno, json, os, signal, subprocess, sys, threading
argv = sys.argv[1:]
try:
    grace = max(0, int(argv[1])) / 1000.0
except (IndexError, ValueError):
    grace = 10.0
command = argv[2]
args = argv[3:]
WINDOWS = os.name == 'nt'
CREATE_NO_WINDOW = 0x08000000
lock = threading.Lock()
state = {'child': None, 'exited': False, 'orphaned': False}
try:
    os.fstat(3)
    control = 3
except OSError:
    control = None
if control is not None and not WINDOWS:
    try:
        os.set_blocking(control, True)
    except OSError:
        pass

def send(msg):
    if control is None:
        return
    data = (json.dumps(msg) + '\n').encode('utf-8')
    try:
        while data:
            data = data[os.write(control, data):]
    except OSError:
        pass

def kill_group(name):
    if WINDOWS:
        child = state['child']
        if child is not None:
            try:
                subprocess.Popen(['taskkill', '/T', '/F', '/PID', str(child.pid)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, creationflags=CREATE_NO_WINDOW)
            except OSError:
                pass
        return
    try:
        os.killpg(os.getpid(), getattr(signal, name))
    except OSError:
        pass

def finish(code):
    with lock:
        orphaned = state['orphaned']
    if orphaned:
        kill_group('SIGKILL')
    if control is not None:
        try:
            os.close(control)
        except OSError:
            pass
    os._exit(code)

def parent_gone():
    with lock:
        if state['orphaned'] or state['exited']:
            return
        state['orphaned'] = True
    kill_group('SIGINT')
    timer = threading.Timer(grace, kill_group, ['SIGKILL'])
    timer.daemon = True
    timer.start()

def watch_control():
    while True:
        try:
            if not os.read(control, 65536):
                break
        except OSError:
            break
    parent_gone()

def spawn_error(e):
    code = errno.errorcode.get(e.errno or 0, '')
    detail = ' (' + e.strerror + ')' if e.strerror else ''
    return 'spawn ' + command + (' ' + code if code else '') + detail

signal.signal(signal.SIGINT, lambda signum, frame: None)
if control is not None:
    watcher = threading.Thread(target=watch_control, daemon=True)
    watcher.start()
try:
    child = subprocess.Popen([command] + args, stdin=subprocess.DEVNULL, close_fds=True, creationflags=CREATE_NO_WINDOW if WINDOWS else 0)
except OSError as e:
    with lock:
        state['exited'] = True
    send({'type': 'spawn-error', 'message': spawn_error(e)})
    finish(127)
state['child'] = child
send({'type': 'spawned', 'pid': child.pid})
returncode = child.wait()
with lock:
    state['exited'] = True
if returncode < 0:
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = 'SIG' + str(-returncode)
    send({'type': 'exit', 'code': None, 'signal': name})
    finish(1)
send({'type': 'exit', 'code': returncode, 'signal': None})
finish(returncode if 0 <= returncode <= 255 else 1)
`;
