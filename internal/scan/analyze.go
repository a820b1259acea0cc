package scan

// DefaultPlugins returns the analysis stages of a standard scan.
func DefaultPlugins(opts Options) (Plugins, error) {
	return Plugins{}, nil
}
