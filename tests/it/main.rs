//! nbe's integration tests: the real `nbe` binary on throwaway repositories.

mod site;
