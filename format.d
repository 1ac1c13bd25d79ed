format.o: lib/format.c include/lib/format.h

include/lib/format.h:
