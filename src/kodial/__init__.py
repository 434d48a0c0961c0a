"""kodial: Korean conversational assistants, from raw data to a running service."""

import logging

__version__ = "0.1.0"


class _DropBitsandbytesKernelNotice(logging.Filter):
    """bitsandbytes logs a warning whenever it is imported on a CPU with AVX512-BF16 and the
    optional ``kernels`` package (which downloads a kernel from the Hugging Face Hub) is
    missing; peft imports bitsandbytes whenever it is installed, so every chat command printed
    it, LoRA too. Its built-in fallback kernel is what runs, so the notice is dropped; every
    other bitsandbytes message is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to load CPU gemm_4bit_forward")


logging.getLogger("bitsandbytes.backends.cpu.ops").addFilter(_DropBitsandbytesKernelNotice())
