main.o: kernel/core/main.c include/svsm/addr.h include/svsm/boot.h \
  include/svsm/compiler.h include/svsm/err.h include/svsm/console.h \
  include/svsm/layout.h include/svsm/log.h include/svsm/panic.h \
  include/svsm/percpu.h include/svsm/plat/plat.h include/svsm/smp.h \
  include/svsm/stackprot.h include/abi/csvsm_boot.h include/lib/string.h \
  out/gen/version.h

include/svsm/addr.h:

include/svsm/boot.h:

include/svsm/compiler.h:

include/svsm/err.h:

include/svsm/console.h:

include/svsm/layout.h:

include/svsm/log.h:

include/svsm/panic.h:

include/svsm/percpu.h:

include/svsm/plat/plat.h:

include/svsm/smp.h:

include/svsm/stackprot.h:

include/abi/csvsm_boot.h:

include/lib/string.h:

out/gen/version.h:
