boot_params.o: kernel/core/boot_params.c include/svsm/boot.h \
  include/svsm/compiler.h include/svsm/err.h include/svsm/percpu.h \
  include/abi/csvsm_boot.h include/abi/igvm.h include/lib/string.h

include/svsm/boot.h:

include/svsm/compiler.h:

include/svsm/err.h:

include/svsm/percpu.h:

include/abi/csvsm_boot.h:

include/abi/igvm.h:

include/lib/string.h:
