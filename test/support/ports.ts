// Tests start services on ports the OS reports free (the implementation is shared with the tools).
export { freePorts } from '../../tools/lib/ports.ts';
