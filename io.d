io.o: kernel/arch/x86_64/io.c include/svsm/arch/io.h

include/svsm/arch/io.h:
