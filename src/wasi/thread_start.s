# wasi_thread_start(tid, start_arg): where the host enters a new thread (the wasi-threads ABI).
# In assembly because the thread has no stack yet: it takes its stack pointer and its TLS block
# from the start record (threads.c, struct __pthread: stack_top at 0, tls at 4), runs the thread,
# then marks it done (offset 8) with nothing left to run on its stack, so that pthread_join may
# free the stack at once.
	.globaltype __stack_pointer, i32
	.functype __wasm_init_tls (i32) -> ()
	.functype rm_thread_main (i32, i32) -> ()
	.section .text.wasi_thread_start,"",@
	.export_name wasi_thread_start, wasi_thread_start
	.globl wasi_thread_start
	.type wasi_thread_start,@function
wasi_thread_start:
	.functype wasi_thread_start (i32, i32) -> ()
	local.get 1
	i32.load 0
	global.set __stack_pointer
	local.get 1
	i32.load 4
	call __wasm_init_tls
	local.get 0
	local.get 1
	call rm_thread_main
	local.get 1
	i32.const 1
	i32.atomic.store 8
	local.get 1
	i32.const 1
	memory.atomic.notify 8
	drop
	end_function
