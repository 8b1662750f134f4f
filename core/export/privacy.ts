/**
 * Keeping personal data out of shared files. A model or dataset given as a local path
 * ("/home/alice/ckpt/llama") names the user and the machine's layout; unless the user opted in,
 * only its last path segment is kept, marked as local.
 */

const LOCAL_PATH = /^(?:\/|~|\.{1,2}[\\/]|[A-Za-z]:[\\/]|\\\\|file:)/i;

export function looksLikeLocalPath(value: string): boolean {
  return LOCAL_PATH.test(value);
}

/** "/home/alice/models/llama-3" → "<local>/llama-3"; anything else unchanged. */
export function redactLocalPath(value: string): string {
  if (!looksLikeLocalPath(value)) return value;
  const segments = value.split(/[\\/]+/).filter((s) => s !== '' && s !== '~' && !/^[A-Za-z]:$/.test(s) && s !== 'file:');
  const last = segments[segments.length - 1];
  return last === undefined || last === '.' || last === '..' ? '<local>' : `<local>/${last}`;
}

/** A string dataset other than a built-in alias is a .jsonl file, relative or absolute (llem contract §1.7). */
export function redactDatasetPath(dataset: string): string {
  if (looksLikeLocalPath(dataset)) return redactLocalPath(dataset);
  if (/[\\/]/.test(dataset) || /\.jsonl$/i.test(dataset)) {
    const last = dataset.split(/[\\/]+/).filter((s) => s !== '').pop();
    return last === undefined ? '<local>' : `<local>/${last}`;
  }
  return dataset;
}
