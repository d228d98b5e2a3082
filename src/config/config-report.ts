/** How a compiler of a config file reports a problem: at a path inside the file being compiled. */
export type PathPart = string | number;

/** Reports a problem at a path inside the file being compiled. */
export type Report = (path: PathPart[], message: string) => void;
