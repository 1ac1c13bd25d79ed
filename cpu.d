cpu.o: kernel/arch/x86_64/cpu.c include/svsm/arch/cpu.h \
  include/svsm/compiler.h include/svsm/arch/io.h include/svsm/percpu.h \
  include/abi/csvsm_boot.h kernel/arch/x86_64/layout.h \
  kernel/arch/x86_64/x86.h

include/svsm/arch/cpu.h:

include/svsm/compiler.h:

include/svsm/arch/io.h:

include/svsm/percpu.h:

include/abi/csvsm_boot.h:

kernel/arch/x86_64/layout.h:

kernel/arch/x86_64/x86.h:
