panic.o: kernel/core/panic.c include/svsm/panic.h include/svsm/compiler.h \
  include/svsm/log.h include/svsm/plat/plat.h include/abi/csvsm_boot.h

include/svsm/panic.h:

include/svsm/compiler.h:

include/svsm/log.h:

include/svsm/plat/plat.h:

include/abi/csvsm_boot.h:
