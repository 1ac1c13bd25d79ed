ready.o: kernel/core/ready.c include/svsm/arch/cpu.h \
  include/svsm/compiler.h include/svsm/boot.h include/svsm/err.h \
  include/svsm/log.h include/svsm/plat/plat.h include/abi/csvsm_boot.h

include/svsm/arch/cpu.h:

include/svsm/compiler.h:

include/svsm/boot.h:

include/svsm/err.h:

include/svsm/log.h:

include/svsm/plat/plat.h:

include/abi/csvsm_boot.h:
