apic.o: kernel/arch/x86_64/apic.c include/svsm/arch/cpu.h \
  include/svsm/compiler.h include/svsm/addr.h kernel/arch/x86_64/x86.h

include/svsm/arch/cpu.h:

include/svsm/compiler.h:

include/svsm/addr.h:

kernel/arch/x86_64/x86.h:
