//! The thread-safety rules the header states rest on these properties of the core types.

fn shareable<T: Send + Sync>() {}

#[test]
fn engine_module_and_linker_are_shareable() {
    shareable::<wrt_core::Engine>();
    shareable::<wrt_core::Module>();
    // Whatever the store's data type, a linker's definitions are `Send + Sync`.
    shareable::<wrt_core::Linker<*mut u8>>();
    shareable::<wrt::wrt_engine_t>();
    shareable::<wrt::wrt_module_t>();
    shareable::<wrt::wrt_linker_t>();
    shareable::<wrt::wrt_error_t>();
}
