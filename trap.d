trap.o: kernel/arch/x86_64/trap.c include/svsm/arch/cpu.h \
  include/svsm/compiler.h include/svsm/log.h include/svsm/panic.h \
  include/svsm/percpu.h kernel/arch/x86_64/x86.h

include/svsm/arch/cpu.h:

include/svsm/compiler.h:

include/svsm/log.h:

include/svsm/panic.h:

include/svsm/percpu.h:

kernel/arch/x86_64/x86.h:
