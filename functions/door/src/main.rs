//! Lambda entry point: the services are built once per cold start, then every request goes
//! to the handler in lib.rs (which the local gateway mounts too).

edge::http_lambda_main!(fn_door::handle);
