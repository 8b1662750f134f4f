import samplerPy from './node/sampler.py?raw';
import taskPy from './node/task.py?raw';

/**
 * The node-side half of a SLURM campaign: plain Python for llem's own environment on the compute nodes (no
 * Node there). Kept as real .py files (tested with python directly) and shipped inside the bundle.
 */
export const NODE_FILES: Readonly<Record<string, string>> = {
  'node/task.py': taskPy,
  'node/sampler.py': samplerPy,
};
